//! The Secrets of a workload cluster, with contents of realistic size, and the deterministic
//! filler that stands for key material and generated names.
//!
//! As Cluster API v1.13.5 leaves them: the KubeadmControlPlane generates and controls
//! `<cluster>-kubeconfig`, `-sa` and `-proxy` (type `cluster.x-k8s.io/secret`); `-ca` and
//! `-etcd` are the user's own CAs (type `kubernetes.io/tls`, which KCP does not adopt), so they
//! have no ownerReferences and clusterctl moves them by their names (soft ownership). Each
//! KubeadmConfig's bootstrap data Secret is added with its Machine (`objects`).
//!
//! The user's two CAs are real key pairs (`ca.*`, `etcd-ca.*`, made once for these tests with
//! `openssl req -x509 -newkey rsa:2048 -nodes`), because the API server warns about a
//! `kubernetes.io/tls` Secret it cannot parse; every other key and certificate is filler of the
//! right length.

use serde_json::{Value, json};

/// Characters of the random suffixes Kubernetes and Cluster API put in generated names.
const SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
const CLUSTER_CA: &str = include_str!("ca.crt");
const ETCD_CA: &str = include_str!("etcd-ca.crt");
const CLUSTER_CA_KEY: &str = include_str!("ca.key");
const ETCD_CA_KEY: &str = include_str!("etcd-ca.key");
/// Base64 length of the body of a PEM RSA 2048 private key, certificate and public key.
const KEY_LEN: usize = 1600;
const CERT_LEN: usize = 1000;
const PUBLIC_KEY_LEN: usize = 392;

/// One of the cluster's own Secrets.
pub struct ClusterSecret {
    /// `<cluster>-<purpose>`.
    pub name: String,
    /// Generated (and so controlled) by the KubeadmControlPlane; otherwise the user's.
    pub generated: bool,
    secret_type: &'static str,
    data: Value,
}

impl ClusterSecret {
    /// The Secret with `metadata`.
    pub fn body(self, metadata: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": metadata,
               "type": self.secret_type, "data": self.data})
    }
}

/// `-ca`, `-etcd`, `-sa`, `-proxy` and `-kubeconfig` of `cluster`.
pub fn cluster_secrets(cluster: &str, endpoint: &str, noise: &mut Noise) -> Vec<ClusterSecret> {
    let secret = |purpose: &str, generated: bool, data: Value| ClusterSecret {
        name: format!("{cluster}-{purpose}"),
        generated,
        secret_type: if generated {
            "cluster.x-k8s.io/secret"
        } else {
            "kubernetes.io/tls"
        },
        data,
    };
    let ca = secret("ca", false, key_pair(CLUSTER_CA, CLUSTER_CA_KEY));
    let etcd = secret("etcd", false, key_pair(ETCD_CA, ETCD_CA_KEY));
    let public_key = noise.pem("PUBLIC KEY", PUBLIC_KEY_LEN);
    let sa = secret("sa", true, tls_data(&public_key, noise));
    let proxy_ca = noise.pem("CERTIFICATE", CERT_LEN);
    let proxy = secret("proxy", true, tls_data(&proxy_ca, noise));
    let kubeconfig = json!({"value": b64(&kubeconfig(cluster, endpoint, noise))});
    vec![ca, etcd, sa, proxy, secret("kubeconfig", true, kubeconfig)]
}

/// `tls.crt` and a filler `tls.key`.
fn tls_data(cert: &str, noise: &mut Noise) -> Value {
    key_pair(cert, &noise.pem("RSA PRIVATE KEY", KEY_LEN))
}

fn key_pair(cert: &str, key: &str) -> Value {
    json!({"tls.crt": b64(cert), "tls.key": b64(key)})
}

/// A bootstrap data Secret (`format` and `value`), type `cluster.x-k8s.io/secret`.
pub fn cluster_secret(metadata: Value, data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Secret", "metadata": metadata,
           "type": "cluster.x-k8s.io/secret", "data": data})
}

/// The admin kubeconfig KCP writes (about 5.5 kB).
fn kubeconfig(cluster: &str, endpoint: &str, noise: &mut Noise) -> String {
    let user = format!("{cluster}-admin");
    format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: https://{endpoint}:6443\n  name: {cluster}\ncontexts:\n- context:\n    cluster: {cluster}\n    user: {user}\n  name: {user}@{cluster}\ncurrent-context: {user}@{cluster}\nkind: Config\npreferences: {{}}\nusers:\n- name: {user}\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
        b64(CLUSTER_CA),
        b64(&noise.pem("CERTIFICATE", CERT_LEN)),
        b64(&noise.pem("RSA PRIVATE KEY", KEY_LEN)),
    )
}

/// The `data` of a KubeadmConfig's bootstrap Secret: the cloud-config of the first control
/// plane carries the cluster's CAs and keys (about 12 kB), a worker's its join configuration
/// (about 2 kB).
pub fn bootstrap_data(
    machine: &str,
    endpoint: &str,
    control_plane: bool,
    noise: &mut Noise,
) -> Value {
    let mut files = vec![("/etc/kubernetes/pki/ca.crt", CLUSTER_CA.to_string())];
    if control_plane {
        files.push((
            "/etc/kubernetes/pki/ca.key",
            noise.pem("RSA PRIVATE KEY", KEY_LEN),
        ));
        files.push(("/etc/kubernetes/pki/etcd/ca.crt", ETCD_CA.to_string()));
        for (path, label, len) in [
            (
                "/etc/kubernetes/pki/etcd/ca.key",
                "RSA PRIVATE KEY",
                KEY_LEN,
            ),
            (
                "/etc/kubernetes/pki/front-proxy-ca.crt",
                "CERTIFICATE",
                CERT_LEN,
            ),
            (
                "/etc/kubernetes/pki/front-proxy-ca.key",
                "RSA PRIVATE KEY",
                KEY_LEN,
            ),
            ("/etc/kubernetes/pki/sa.pub", "PUBLIC KEY", PUBLIC_KEY_LEN),
            ("/etc/kubernetes/pki/sa.key", "RSA PRIVATE KEY", KEY_LEN),
        ] {
            files.push((path, noise.pem(label, len)));
        }
    }
    let kubeadm = if control_plane {
        format!(
            "---\napiServer:\n  certSANs:\n  - localhost\n  - 127.0.0.1\n  - 0.0.0.0\n  - host.docker.internal\napiVersion: kubeadm.k8s.io/v1beta4\nclusterName: {machine}\ncontrolPlaneEndpoint: {endpoint}:6443\nkind: ClusterConfiguration\nnetworking:\n  dnsDomain: cluster.local\n  podSubnet: 192.168.0.0/16\n  serviceSubnet: 10.128.0.0/12\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n  - name: eviction-hard\n    value: nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%\n"
        )
    } else {
        format!(
            "---\napiVersion: kubeadm.k8s.io/v1beta4\ndiscovery:\n  bootstrapToken:\n    apiServerEndpoint: {endpoint}:6443\n    caCertHashes:\n    - sha256:{}\n    token: {}.{}\nkind: JoinConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n  - name: eviction-hard\n    value: nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%\n",
            noise.hex(64),
            noise.hex(6),
            noise.hex(16)
        )
    };
    files.push(("/run/kubeadm/kubeadm.yaml", kubeadm));
    let mut out = String::from("## template: jinja\n#cloud-config\n\nwrite_files:\n");
    for (path, content) in files {
        out.push_str(&format!(
            "-   path: {path}\n    owner: root:root\n    permissions: '0640'\n    content: |\n"
        ));
        for line in content.lines() {
            out.push_str("      ");
            out.push_str(line);
            out.push('\n');
        }
    }
    let command = if control_plane { "init" } else { "join" };
    out.push_str(&format!(
        "runcmd:\n  - 'kubeadm {command} --config /run/kubeadm/kubeadm.yaml  && echo success > /run/cluster-api/bootstrap-success.complete'\n"
    ));
    json!({"format": b64("cloud-config"), "value": b64(&out)})
}

fn b64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// FNV-1a: a stable seed from a name.
fn hash(seed: &str) -> u64 {
    seed.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The 5-character suffix a controller would have drawn for a name made from `seed`.
pub fn suffix(seed: &str) -> String {
    let mut noise = Noise::new(seed);
    (0..5)
        .map(|_| SUFFIX_ALPHABET[(noise.next() % SUFFIX_ALPHABET.len() as u64) as usize] as char)
        .collect()
}

/// A UUID-shaped string drawn from `seed`.
pub fn uuid_like(seed: &str) -> String {
    let h = Noise::new(seed).hex(32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Deterministic filler (xorshift64*): the sizes matter, the bytes do not.
pub struct Noise(u64);

impl Noise {
    /// A sequence of its own for `seed`.
    pub fn new(seed: &str) -> Noise {
        Noise(hash(seed) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from_digit((self.next() % 16) as u32, 16).unwrap())
            .collect()
    }

    /// A PEM block whose base64 body is `len` characters long.
    fn pem(&mut self, label: &str, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let body: Vec<u8> = (0..len)
            .map(|_| ALPHABET[(self.next() % 64) as usize])
            .collect();
        let mut out = format!("-----BEGIN {label}-----\n");
        for line in body.chunks(64) {
            out.push_str(std::str::from_utf8(line).unwrap());
            out.push('\n');
        }
        out.push_str(&format!("-----END {label}-----\n"));
        out
    }
}
