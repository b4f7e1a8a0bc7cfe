//! clusterctl's backup directory format.
