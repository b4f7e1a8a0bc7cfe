//! A real CNCF distribution registry (Debian's `docker-registry`, 2.8) on a free loopback port,
//! with its own storage folder and optional htpasswd auth. Its access log is kept, so tests can
//! count the requests capictl made. Killed on drop; every test gets its own.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running registry.
pub struct Registry {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    dir: tempfile::TempDir,
}

impl Registry {
    /// An open registry (anonymous pull and push).
    pub fn start() -> Registry {
        Registry::launch(None)
    }

    /// A registry that requires `user`/`password` (HTTP Basic, bcrypt htpasswd).
    pub fn with_htpasswd(user: &str, password: &str) -> Registry {
        Registry::launch(Some((user, password)))
    }

    fn launch(auth: Option<(&str, &str)>) -> Registry {
        let binary = which("docker-registry").expect(
            "docker-registry is not installed; run hack/test.sh (or apt-get install docker-registry apache2-utils)",
        );
        let mut last_error = String::new();
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let port = free_port();
            let addr = format!("127.0.0.1:{port}");
            let auth_section = match auth {
                None => String::new(),
                Some((user, password)) => {
                    let out = Command::new("htpasswd")
                        .args(["-Bbn", user, password])
                        .output()
                        .expect("htpasswd (apache2-utils) is not installed");
                    assert!(out.status.success(), "htpasswd failed");
                    let path = dir.path().join("htpasswd");
                    std::fs::write(&path, &out.stdout).unwrap();
                    format!(
                        "auth:\n  htpasswd:\n    realm: basic-realm\n    path: {}\n",
                        path.display()
                    )
                }
            };
            let config = format!(
                "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {addr}\n{auth_section}",
                dir.path().join("data").display()
            );
            let config_path = dir.path().join("config.yml");
            std::fs::write(&config_path, config).unwrap();
            let stdout = std::fs::File::create(dir.path().join("access.log")).unwrap();
            let stderr = std::fs::File::create(dir.path().join("registry.log")).unwrap();
            let child = Command::new(&binary)
                .arg("serve")
                .arg(&config_path)
                .stdin(Stdio::null())
                .stdout(stdout)
                .stderr(stderr)
                .spawn()
                .unwrap();
            let mut registry = Registry { child, addr, dir };
            match registry.wait_ready() {
                Ok(()) => return registry,
                Err(e) => last_error = e,
            }
        }
        panic!("docker-registry did not start: {last_error}");
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(self.dir.path().join("registry.log"))
                    .unwrap_or_default();
                return Err(format!("exited with {status}: {log}"));
            }
            if let Some(status) = http_status(&self.addr, "/v2/")
                && (status == 200 || status == 401)
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err("no answer on /v2/ within 20s".into())
    }

    /// Every access-log line for a `/v2/` request, in order.
    pub fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(" /v2/"))
            .map(str::to_string)
            .collect()
    }

    /// The access-log lines after the first `from`, as `METHOD path status`.
    pub fn requests_since(&self, from: usize) -> Vec<String> {
        self.requests()
            .into_iter()
            .skip(from)
            .map(|line| {
                let request = line.split('"').nth(1).unwrap_or_default();
                let status = line
                    .split('"')
                    .nth(2)
                    .and_then(|s| s.split_whitespace().next())
                    .unwrap_or_default();
                let mut parts = request.split_whitespace();
                format!(
                    "{} {} {status}",
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default()
                )
            })
            .collect()
    }

    /// The registry's storage folder.
    pub fn storage(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The status of a plain `GET path` to `addr`, if anything answers.
pub fn http_status(addr: &str, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head).ok()?;
    let text = String::from_utf8_lossy(&head[..n]);
    text.split_whitespace().nth(1)?.parse().ok()
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
