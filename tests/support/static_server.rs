//! A real static file server on loopback: Python's `http.server`, which answers
//! `If-Modified-Since` with 304. Requests are counted from its access log.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// A running `python3 -m http.server` serving one folder.
pub struct StaticServer {
    child: Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl StaticServer {
    /// Serves `dir` on 127.0.0.1 on a free port.
    pub fn start(dir: &Path) -> StaticServer {
        let mut child = Command::new("python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 is needed for the static file server");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        // "Serving HTTP on 127.0.0.1 port 41233 (http://127.0.0.1:41233/) ..."
        let port = line
            .split_whitespace()
            .skip_while(|w| *w != "port")
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected http.server banner: {line}"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        StaticServer { child, port, log }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Access-log lines so far (`"GET /path HTTP/1.1" 200 -`); waits briefly for the log to
    /// catch up with requests already answered.
    pub fn requests(&self) -> Vec<String> {
        std::thread::sleep(std::time::Duration::from_millis(150));
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains("\"GET "))
            .cloned()
            .collect()
    }

    /// Forgets the requests seen so far.
    pub fn reset(&self) {
        std::thread::sleep(std::time::Duration::from_millis(150));
        self.log.lock().unwrap().clear();
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
