//! The 25 objects of one workload cluster, as Cluster API v1.13.5's controllers leave them once
//! the cluster is provisioned (one control-plane Machine, a MachineDeployment of two workers).
//! Pure: bodies are JSON in each CRD's storage version (v1beta2, so no conversion webhook is
//! called), owners are indexes into the plan, and the uids come later from the API server.
//!
//! Who owns what follows the controllers' code: the Cluster owns its DockerCluster,
//! KubeadmControlPlane, templates and MachineDeployment (not as controller); the MachineSet is
//! controlled by its MachineDeployment and also owned by the Cluster; Machines are controlled by
//! the KubeadmControlPlane or the MachineSet; each Machine controls its DockerMachine and
//! KubeadmConfig, which controls its bootstrap data Secret. The Secrets of the cluster itself
//! are in `secrets`.

use serde_json::{Value, json};

use super::secrets::{self, Noise, suffix};
use super::{MovedKind, kind};

/// Kubernetes version of the workload clusters.
pub(super) const VERSION: &str = "v1.35.0";
pub(super) const CLUSTER_NAME_LABEL: &str = "cluster.x-k8s.io/cluster-name";
const EVICTION: &str = "nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%";

/// One object to create, before it exists.
pub struct Planned {
    /// What it is.
    pub kind: &'static MovedKind,
    /// The body sent on create, without ownerReferences.
    pub body: Value,
    /// Its owners, created before it.
    pub owners: Vec<OwnerLink>,
    /// What the object's controller writes through the `/status` subresource afterwards.
    pub status: Option<Value>,
}

impl Planned {
    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.body["metadata"]["name"].as_str().unwrap_or_default()
    }
}

/// An ownerReference to another object of the same plan.
#[derive(Clone, Copy)]
pub struct OwnerLink {
    /// Index of the owner in the plan.
    pub owner: usize,
    /// `controller: true` (otherwise written as `false`, as the controllers do).
    pub controller: bool,
    /// `blockOwnerDeletion: true` (otherwise left out).
    pub block_owner_deletion: bool,
}

/// A controller owner (`metav1.NewControllerRef`: controller and blockOwnerDeletion).
pub fn controlled_by(owner: usize) -> OwnerLink {
    OwnerLink {
        owner,
        controller: true,
        block_owner_deletion: true,
    }
}

/// A plain owner (`controller: false`), as the Cluster is of its parts.
fn owned_by(owner: usize) -> OwnerLink {
    OwnerLink {
        owner,
        controller: false,
        block_owner_deletion: false,
    }
}

/// The owner a Machine sets on its DockerMachine and KubeadmConfig (controller, no blocking).
pub(super) fn machine_owned(owner: usize) -> OwnerLink {
    OwnerLink {
        owner,
        controller: true,
        block_owner_deletion: false,
    }
}

/// The objects of one cluster in creation order (each after its owners).
#[derive(Default)]
pub struct ClusterPlan {
    /// The objects; [`OwnerLink::owner`] indexes this list.
    pub objects: Vec<Planned>,
}

impl ClusterPlan {
    /// Adds an object; returns its index.
    pub fn add(
        &mut self,
        kind: &'static MovedKind,
        body: Value,
        owners: Vec<OwnerLink>,
        status: Option<Value>,
    ) -> usize {
        self.objects.push(Planned {
            kind,
            body,
            owners,
            status,
        });
        self.objects.len() - 1
    }

    /// Indexes grouped by depth in the owner graph: every object's owners are in earlier groups.
    pub fn levels(&self) -> Vec<Vec<usize>> {
        let mut depth = vec![0usize; self.objects.len()];
        for (i, planned) in self.objects.iter().enumerate() {
            // Owners come first in the list, so their depth is already known.
            depth[i] = planned
                .owners
                .iter()
                .map(|o| depth[o.owner] + 1)
                .max()
                .unwrap_or(0);
        }
        let deepest = depth.iter().copied().max().unwrap_or(0);
        (0..=deepest)
            .map(|d| (0..depth.len()).filter(|&i| depth[i] == d).collect())
            .collect()
    }
}

/// The name of workload cluster `index` (1-based).
pub fn cluster_name(prefix: &str, index: usize) -> String {
    format!("{prefix}-{index}")
}

/// The plan of workload cluster `index` in `namespace`; `now` is the RFC 3339 time written in
/// status timestamps.
pub fn cluster(prefix: &str, index: usize, namespace: &str, now: &str) -> ClusterPlan {
    let c = Names::new(prefix, index, namespace, now);
    let mut plan = ClusterPlan::default();
    let cluster = plan.add(
        kind("Cluster"),
        c.cluster(),
        vec![],
        Some(c.cluster_status()),
    );
    plan.add(
        kind("DockerCluster"),
        c.docker_cluster(),
        vec![owned_by(cluster)],
        Some(c.docker_cluster_status()),
    );
    for template in [&c.kcp, &c.md] {
        plan.add(
            kind("DockerMachineTemplate"),
            c.docker_machine_template(template),
            vec![owned_by(cluster)],
            None,
        );
    }
    plan.add(
        kind("KubeadmConfigTemplate"),
        c.kubeadm_config_template(),
        vec![owned_by(cluster)],
        None,
    );
    let kcp = plan.add(
        kind("KubeadmControlPlane"),
        c.control_plane(),
        vec![owned_by(cluster)],
        Some(c.control_plane_status()),
    );
    let mut noise = Noise::new(&c.cluster);
    for secret in secrets::cluster_secrets(&c.cluster, &c.endpoint, &mut noise) {
        // What KCP generated it controls; what the user brought has no owner.
        let owners = if secret.generated {
            vec![controlled_by(kcp)]
        } else {
            vec![]
        };
        let meta = c.meta(&secret.name, c.cluster_label(), None);
        plan.add(kind("Secret"), secret.body(meta), owners, None);
    }
    let md = plan.add(
        kind("MachineDeployment"),
        c.machine_deployment(),
        vec![owned_by(cluster)],
        Some(c.machine_deployment_status()),
    );
    let ms = plan.add(
        kind("MachineSet"),
        c.machine_set(),
        vec![controlled_by(md), owned_by(cluster)],
        Some(c.machine_set_status()),
    );
    let mut machines = vec![(format!("{}-{}", c.kcp, suffix(&c.kcp)), kcp, true)];
    for n in 0..2 {
        let name = format!("{}-{}", c.ms, suffix(&format!("{}/{n}", c.ms)));
        machines.push((name, ms, false));
    }
    for (m, (name, owner, control_plane)) in machines.into_iter().enumerate() {
        c.add_machine(&mut plan, m, &name, owner, control_plane, &mut noise);
    }
    plan
}

/// The names and addresses one cluster's objects share.
pub struct Names<'a> {
    pub(super) namespace: &'a str,
    pub(super) now: &'a str,
    pub(super) index: usize,
    pub(super) cluster: String,
    /// The control plane's load-balancer address.
    pub(super) endpoint: String,
    pub(super) kcp: String,
    pub(super) md: String,
    pub(super) ms: String,
    /// The MachineSet's `machine-template-hash` label.
    pub(super) hash: String,
}

impl<'a> Names<'a> {
    fn new(prefix: &str, index: usize, namespace: &'a str, now: &'a str) -> Names<'a> {
        let cluster = cluster_name(prefix, index);
        let md = format!("{cluster}-md-0");
        let ms = format!("{md}-{}", suffix(&md));
        Names {
            namespace,
            now,
            index,
            endpoint: format!("172.18.{}.{}", index / 200, index % 200 + 2),
            kcp: format!("{cluster}-control-plane"),
            hash: suffix(&ms),
            cluster,
            md,
            ms,
        }
    }

    pub(super) fn meta(&self, name: &str, labels: Value, finalizer: Option<&str>) -> Value {
        let mut m = json!({"name": name, "namespace": self.namespace});
        if !labels.is_null() {
            m["labels"] = labels;
        }
        if let Some(f) = finalizer {
            m["finalizers"] = json!([f]);
        }
        m
    }

    pub(super) fn cluster_label(&self) -> Value {
        json!({CLUSTER_NAME_LABEL: self.cluster})
    }

    /// v1beta2 conditions `(type, status, reason)`, all observed at generation 1.
    pub(super) fn conditions(&self, list: &[(&str, &str, &str)]) -> Value {
        list.iter()
            .map(|(t, status, reason)| {
                json!({"type": t, "status": status, "reason": reason, "message": "",
                       "lastTransitionTime": self.now, "observedGeneration": 1})
            })
            .collect()
    }

    fn failure_domains() -> Value {
        json!([
            {"name": "fd1", "controlPlane": true}, {"name": "fd2", "controlPlane": true},
            {"name": "fd3", "controlPlane": true}, {"name": "fd4", "controlPlane": false},
            {"name": "fd5", "controlPlane": false}
        ])
    }

    fn cluster(&self) -> Value {
        json!({
            "apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
            "metadata": self.meta(&self.cluster, Value::Null, Some("cluster.cluster.x-k8s.io")),
            "spec": {
                "clusterNetwork": {
                    "pods": {"cidrBlocks": ["192.168.0.0/16"]},
                    "services": {"cidrBlocks": ["10.128.0.0/12"]},
                    "serviceDomain": "cluster.local"
                },
                "controlPlaneEndpoint": {"host": self.endpoint, "port": 6443},
                "controlPlaneRef": {"apiGroup": "controlplane.cluster.x-k8s.io",
                                    "kind": "KubeadmControlPlane", "name": self.kcp},
                "infrastructureRef": {"apiGroup": "infrastructure.cluster.x-k8s.io",
                                      "kind": "DockerCluster", "name": self.cluster}
            }
        })
    }

    /// Includes what clusterctl's `checkProvisioningCompleted` reads: infrastructure
    /// provisioned, control plane initialized (the field and the condition).
    fn cluster_status(&self) -> Value {
        json!({
            "observedGeneration": 1, "phase": "Provisioned",
            "initialization": {"infrastructureProvisioned": true, "controlPlaneInitialized": true},
            "controlPlane": {"desiredReplicas": 1, "replicas": 1, "readyReplicas": 1,
                             "availableReplicas": 1, "upToDateReplicas": 1},
            "workers": {"desiredReplicas": 2, "replicas": 2, "readyReplicas": 2,
                        "availableReplicas": 2, "upToDateReplicas": 2},
            "failureDomains": Self::failure_domains(),
            "conditions": self.conditions(&[
                ("Available", "True", "Available"),
                ("InfrastructureReady", "True", "Ready"),
                ("ControlPlaneInitialized", "True", "Initialized"),
                ("ControlPlaneAvailable", "True", "Available"),
                ("WorkersAvailable", "True", "Available"),
                ("RemoteConnectionProbe", "True", "ProbeSucceeded"),
                ("RollingOut", "False", "NotRollingOut"),
                ("Deleting", "False", "NotDeleting"),
                ("Paused", "False", "NotPaused"),
            ]),
        })
    }

    fn docker_cluster(&self) -> Value {
        let finalizer = "dockercluster.infrastructure.cluster.x-k8s.io";
        json!({
            "apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "DockerCluster",
            "metadata": self.meta(&self.cluster, self.cluster_label(), Some(finalizer)),
            "spec": {
                "controlPlaneEndpoint": {"host": self.endpoint, "port": 6443},
                "failureDomains": Self::failure_domains(),
                "loadBalancer": {}
            }
        })
    }

    fn docker_cluster_status(&self) -> Value {
        json!({
            "initialization": {"provisioned": true},
            "failureDomains": Self::failure_domains(),
            "conditions": self.conditions(&[
                ("Ready", "True", "Ready"),
                ("LoadBalancerAvailable", "True", "Available"),
                ("Deleting", "False", "NotDeleting"),
                ("Paused", "False", "NotPaused"),
            ]),
        })
    }

    fn docker_machine_template(&self, name: &str) -> Value {
        json!({
            "apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "DockerMachineTemplate",
            "metadata": self.meta(name, self.cluster_label(), None),
            "spec": {"template": {"spec": {
                "customImage": format!("kindest/node:{VERSION}"),
                "extraMounts": [{"containerPath": "/var/run/docker.sock",
                                 "hostPath": "/var/run/docker.sock"}]
            }}}
        })
    }

    fn kubeadm_config_template(&self) -> Value {
        json!({
            "apiVersion": "bootstrap.cluster.x-k8s.io/v1beta2", "kind": "KubeadmConfigTemplate",
            "metadata": self.meta(&self.md, self.cluster_label(), None),
            "spec": {"template": {"spec": {"joinConfiguration": join_configuration()}}}
        })
    }

    fn control_plane(&self) -> Value {
        let finalizer = "kubeadm.controlplane.cluster.x-k8s.io";
        json!({
            "apiVersion": "controlplane.cluster.x-k8s.io/v1beta2", "kind": "KubeadmControlPlane",
            "metadata": self.meta(&self.kcp, self.cluster_label(), Some(finalizer)),
            "spec": {
                "replicas": 1,
                "version": VERSION,
                "machineTemplate": {"spec": {"infrastructureRef": {
                    "apiGroup": "infrastructure.cluster.x-k8s.io",
                    "kind": "DockerMachineTemplate", "name": self.kcp}}},
                "kubeadmConfigSpec": {
                    "clusterConfiguration": cluster_configuration(),
                    "initConfiguration": join_configuration(),
                    "joinConfiguration": join_configuration()
                }
            }
        })
    }

    fn control_plane_status(&self) -> Value {
        json!({
            "observedGeneration": 1,
            "initialization": {"controlPlaneInitialized": true},
            "replicas": 1, "readyReplicas": 1, "availableReplicas": 1, "upToDateReplicas": 1,
            "version": VERSION,
            "selector": format!("{CLUSTER_NAME_LABEL}={},cluster.x-k8s.io/control-plane", self.cluster),
            "conditions": self.conditions(&[
                ("Available", "True", "Available"),
                ("CertificatesAvailable", "True", "Available"),
                ("EtcdClusterHealthy", "True", "Healthy"),
                ("ControlPlaneComponentsHealthy", "True", "Healthy"),
                ("MachinesReady", "True", "Ready"),
                ("MachinesUpToDate", "True", "UpToDate"),
                ("RollingOut", "False", "NotRollingOut"),
                ("ScalingUp", "False", "NotScalingUp"),
                ("ScalingDown", "False", "NotScalingDown"),
                ("Remediating", "False", "NotRemediating"),
                ("Deleting", "False", "NotDeleting"),
                ("Paused", "False", "NotPaused"),
            ]),
        })
    }

    fn md_labels(&self) -> Value {
        json!({CLUSTER_NAME_LABEL: self.cluster, "cluster.x-k8s.io/deployment-name": self.md})
    }

    pub(super) fn ms_labels(&self) -> Value {
        let mut labels = self.md_labels();
        labels["machine-template-hash"] = json!(self.hash);
        labels
    }

    fn worker_spec(&self) -> Value {
        json!({
            "clusterName": self.cluster, "version": VERSION, "failureDomain": "fd4",
            "bootstrap": {"configRef": {"apiGroup": "bootstrap.cluster.x-k8s.io",
                                        "kind": "KubeadmConfigTemplate", "name": self.md}},
            "infrastructureRef": {"apiGroup": "infrastructure.cluster.x-k8s.io",
                                  "kind": "DockerMachineTemplate", "name": self.md}
        })
    }

    fn machine_deployment(&self) -> Value {
        let finalizer = "cluster.x-k8s.io/machinedeployment";
        let mut meta = self.meta(&self.md, self.cluster_label(), Some(finalizer));
        meta["annotations"] = json!({"machinedeployment.clusters.x-k8s.io/revision": "1"});
        json!({
            "apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "MachineDeployment",
            "metadata": meta,
            "spec": {
                "clusterName": self.cluster, "replicas": 2,
                "selector": {"matchLabels": self.md_labels()},
                "template": {"metadata": {"labels": self.md_labels()}, "spec": self.worker_spec()}
            }
        })
    }

    fn machine_deployment_status(&self) -> Value {
        json!({
            "observedGeneration": 1, "phase": "Running",
            "selector": format!("{CLUSTER_NAME_LABEL}={},cluster.x-k8s.io/deployment-name={}",
                                self.cluster, self.md),
            "replicas": 2, "readyReplicas": 2, "availableReplicas": 2, "upToDateReplicas": 2,
            "conditions": self.conditions(&[
                ("Available", "True", "Available"),
                ("MachinesReady", "True", "Ready"),
                ("MachinesUpToDate", "True", "UpToDate"),
                ("RollingOut", "False", "NotRollingOut"),
                ("ScalingUp", "False", "NotScalingUp"),
                ("ScalingDown", "False", "NotScalingDown"),
                ("Remediating", "False", "NotRemediating"),
                ("Deleting", "False", "NotDeleting"),
                ("Paused", "False", "NotPaused"),
            ]),
        })
    }

    fn machine_set(&self) -> Value {
        let mut meta = self.meta(
            &self.ms,
            self.ms_labels(),
            Some("cluster.x-k8s.io/machineset"),
        );
        meta["annotations"] = json!({
            "machinedeployment.clusters.x-k8s.io/desired-replicas": "2",
            "machinedeployment.clusters.x-k8s.io/max-replicas": "3",
            "machinedeployment.clusters.x-k8s.io/revision": "1"
        });
        json!({
            "apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "MachineSet",
            "metadata": meta,
            "spec": {
                "clusterName": self.cluster, "replicas": 2,
                "selector": {"matchLabels": self.ms_labels()},
                "template": {"metadata": {"labels": self.ms_labels()}, "spec": self.worker_spec()}
            }
        })
    }

    fn machine_set_status(&self) -> Value {
        json!({
            "observedGeneration": 1,
            "selector": format!(
                "{CLUSTER_NAME_LABEL}={},cluster.x-k8s.io/deployment-name={},machine-template-hash={}",
                self.cluster, self.md, self.hash),
            "replicas": 2, "readyReplicas": 2, "availableReplicas": 2, "upToDateReplicas": 2,
            "conditions": self.conditions(&[
                ("MachinesReady", "True", "Ready"),
                ("MachinesUpToDate", "True", "UpToDate"),
                ("ScalingUp", "False", "NotScalingUp"),
                ("ScalingDown", "False", "NotScalingDown"),
                ("Remediating", "False", "NotRemediating"),
                ("Deleting", "False", "NotDeleting"),
                ("Paused", "False", "NotPaused"),
            ]),
        })
    }
}

pub(super) fn cluster_configuration() -> Value {
    json!({"apiServer": {"certSANs": ["localhost", "127.0.0.1", "0.0.0.0", "host.docker.internal"]}})
}

/// The node registration of `initConfiguration` and `joinConfiguration` (quick-start's).
pub(super) fn join_configuration() -> Value {
    json!({"nodeRegistration": {"kubeletExtraArgs": [{"name": "eviction-hard", "value": EVICTION}]}})
}
