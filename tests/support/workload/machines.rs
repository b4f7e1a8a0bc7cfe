//! The Machines of a workload cluster: each with its DockerMachine, KubeadmConfig and
//! bootstrap data Secret, named after the Machine as Cluster API does, and the status their
//! controllers write once the node has joined.

use serde_json::{Value, json};

use super::kind;
use super::objects::{
    CLUSTER_NAME_LABEL, ClusterPlan, Names, VERSION, cluster_configuration, controlled_by,
    join_configuration, machine_owned,
};
use super::secrets::{self, Noise, uuid_like};

impl Names<'_> {
    /// Machine number `m` of the cluster, controlled by `owner`, with its DockerMachine,
    /// KubeadmConfig and bootstrap data Secret (named after the Machine, as CAPI does).
    pub(super) fn add_machine(
        &self,
        plan: &mut ClusterPlan,
        m: usize,
        name: &str,
        owner: usize,
        control_plane: bool,
        noise: &mut Noise,
    ) {
        let labels = if control_plane {
            json!({CLUSTER_NAME_LABEL: self.cluster, "cluster.x-k8s.io/control-plane": "",
                   "cluster.x-k8s.io/control-plane-name": self.kcp})
        } else {
            let mut l = self.ms_labels();
            l["cluster.x-k8s.io/set-name"] = json!(self.ms);
            l
        };
        let ip = format!(
            "172.18.{}.{}",
            100 + self.index / 200,
            self.index % 200 + 2 + m
        );
        let addresses = json!([
            {"type": "Hostname", "address": name},
            {"type": "InternalIP", "address": ip},
            {"type": "ExternalIP", "address": ip}
        ]);
        let machine = plan.add(
            kind("Machine"),
            self.machine(name, &labels, control_plane),
            vec![controlled_by(owner)],
            Some(self.machine_status(name, &addresses, control_plane)),
        );
        plan.add(
            kind("DockerMachine"),
            self.docker_machine(name, &labels),
            vec![machine_owned(machine)],
            Some(self.docker_machine_status(&addresses, control_plane)),
        );
        let config = plan.add(
            kind("KubeadmConfig"),
            self.kubeadm_config(name, &labels, control_plane),
            vec![machine_owned(machine)],
            Some(self.kubeadm_config_status(name)),
        );
        let data = secrets::bootstrap_data(name, &self.endpoint, control_plane, noise);
        plan.add(
            kind("Secret"),
            secrets::cluster_secret(self.meta(name, self.cluster_label(), None), data),
            vec![controlled_by(config)],
            None,
        );
    }

    fn machine(&self, name: &str, labels: &Value, control_plane: bool) -> Value {
        json!({
            "apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Machine",
            "metadata": self.meta(name, labels.clone(), Some("machine.cluster.x-k8s.io")),
            "spec": {
                "clusterName": self.cluster, "version": VERSION,
                "failureDomain": if control_plane { "fd1" } else { "fd4" },
                "providerID": format!("docker:////{name}"),
                "bootstrap": {
                    "configRef": {"apiGroup": "bootstrap.cluster.x-k8s.io",
                                  "kind": "KubeadmConfig", "name": name},
                    "dataSecretName": name
                },
                "infrastructureRef": {"apiGroup": "infrastructure.cluster.x-k8s.io",
                                      "kind": "DockerMachine", "name": name}
            }
        })
    }

    /// Includes the `nodeRef` clusterctl's `checkProvisioningCompleted` requires.
    fn machine_status(&self, name: &str, addresses: &Value, control_plane: bool) -> Value {
        let mut status = json!({
            "observedGeneration": 1, "phase": "Running", "lastUpdated": self.now,
            "nodeRef": {"name": name},
            "initialization": {"bootstrapDataSecretCreated": true, "infrastructureProvisioned": true},
            "addresses": addresses,
            "nodeInfo": {
                "architecture": "amd64", "bootID": uuid_like(&format!("{name}/boot")),
                "containerRuntimeVersion": "containerd://2.1.1",
                "kernelVersion": "6.8.0-79-generic", "kubeProxyVersion": "",
                "kubeletVersion": VERSION,
                "machineID": uuid_like(&format!("{name}/machine")).replace('-', ""),
                "operatingSystem": "linux", "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": uuid_like(&format!("{name}/system"))
            },
            "conditions": self.conditions(&[
                ("Available", "True", "Available"),
                ("Ready", "True", "Ready"),
                ("UpToDate", "True", "UpToDate"),
                ("BootstrapConfigReady", "True", "Ready"),
                ("InfrastructureReady", "True", "Ready"),
                ("NodeReady", "True", "NodeReady"),
                ("NodeHealthy", "True", "NodeHealthy"),
                ("Deleting", "False", "NotDeleting"),
                ("Paused", "False", "NotPaused"),
            ]),
        });
        if control_plane {
            status["certificatesExpiryDate"] = json!("2027-01-01T00:00:00Z");
        }
        status
    }

    fn docker_machine(&self, name: &str, labels: &Value) -> Value {
        let finalizer = "dockermachine.infrastructure.cluster.x-k8s.io";
        json!({
            "apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "DockerMachine",
            "metadata": self.meta(name, labels.clone(), Some(finalizer)),
            "spec": {
                "providerID": format!("docker:////{name}"), "bootstrapped": true,
                "customImage": format!("kindest/node:{VERSION}"),
                "extraMounts": [{"containerPath": "/var/run/docker.sock",
                                 "hostPath": "/var/run/docker.sock"}]
            }
        })
    }

    fn docker_machine_status(&self, addresses: &Value, control_plane: bool) -> Value {
        json!({
            "initialization": {"provisioned": true},
            "addresses": addresses,
            "loadBalancerConfigured": control_plane,
            "conditions": self.conditions(&[
                ("Ready", "True", "Ready"),
                ("ContainerProvisioned", "True", "Provisioned"),
                ("BootstrapExecSucceeded", "True", "Succeeded"),
                ("Deleting", "False", "NotDeleting"),
                ("Paused", "False", "NotPaused"),
            ]),
        })
    }

    fn kubeadm_config(&self, name: &str, labels: &Value, control_plane: bool) -> Value {
        let spec = if control_plane {
            json!({"clusterConfiguration": cluster_configuration(),
                   "initConfiguration": join_configuration()})
        } else {
            json!({"joinConfiguration": join_configuration()})
        };
        json!({
            "apiVersion": "bootstrap.cluster.x-k8s.io/v1beta2", "kind": "KubeadmConfig",
            "metadata": self.meta(name, labels.clone(), None),
            "spec": spec
        })
    }

    fn kubeadm_config_status(&self, name: &str) -> Value {
        json!({
            "observedGeneration": 1,
            "initialization": {"dataSecretCreated": true},
            "dataSecretName": name,
            "conditions": self.conditions(&[
                ("Ready", "True", "Ready"),
                ("DataSecretAvailable", "True", "Available"),
                ("CertificatesAvailable", "True", "Available"),
                ("Paused", "False", "NotPaused"),
            ]),
        })
    }
}
