//! The management cluster: kubeconfig handling (and, as it grows, connection, discovery,
//! apply and inventory).

pub mod kubeconfig;
