//! What a provider can be upgraded to: its current version and contract, the newer versions its
//! repository offers, and the newest of them that implements a compatible contract
//! (clusterctl's `upgradeInfo`). Pure: the caller fetches versions and metadata.

use std::collections::BTreeSet;

use super::{Metadata, ReleaseSeries};
use crate::version::Version;

/// Upgrade facts about one installed provider.
#[derive(Debug, Clone)]
pub struct UpgradeInfo {
    /// Release series of the provider's newest release, sorted by major.minor.
    pub release_series: Vec<ReleaseSeries>,
    /// The installed version.
    pub current_version: Version,
    /// The contract of the installed version's series (empty when it has none).
    pub current_contract: String,
    /// Available versions newer than the installed one, ascending.
    pub next_versions: Vec<Version>,
}

impl UpgradeInfo {
    /// Builds the info from the newest release's metadata, the installed version and the
    /// newer versions (any order).
    pub fn new(
        metadata: &Metadata,
        current_version: Version,
        mut next_versions: Vec<Version>,
    ) -> UpgradeInfo {
        let mut release_series = metadata.release_series.clone();
        release_series.sort_by_key(|s| (s.major, s.minor));
        next_versions.sort();
        let current_contract = metadata
            .series_for_version(&current_version)
            .map(|s| s.contract.clone())
            .unwrap_or_default();
        UpgradeInfo {
            release_series,
            current_version,
            current_contract,
            next_versions,
        }
    }

    /// Contracts of every series at or after the installed one, sorted.
    pub fn contracts_for_upgrade(&self) -> Vec<String> {
        let current = (self.current_version.major(), self.current_version.minor());
        let set: BTreeSet<String> = self
            .release_series
            .iter()
            .filter(|s| (s.major, s.minor) >= current)
            .map(|s| s.contract.clone())
            .collect();
        set.into_iter().collect()
    }

    /// The newest non-pre-release next version whose series implements one of `compatible`.
    pub fn latest_next_version(&self, compatible: &BTreeSet<String>) -> Option<Version> {
        self.release_series
            .iter()
            .filter(|s| compatible.contains(&s.contract))
            .flat_map(|s| {
                self.next_versions.iter().filter(move |v| {
                    v.major() == s.major && v.minor() == s.minor && !v.is_prerelease()
                })
            })
            .max()
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compatible_contracts(contract: &str) -> BTreeSet<String> {
        crate::provider::compatible_contracts(contract)
            .into_iter()
            .collect()
    }

    const CURRENT: &str = "v1beta2";
    const OLD_SUPPORTED: &str = "v1beta1";
    const OLD_UNSUPPORTED: &str = "v1alpha4";
    const NEXT: &str = "v1beta3";

    fn metadata(series: &[(u64, u64, &str)]) -> Metadata {
        Metadata {
            release_series: series
                .iter()
                .map(|(major, minor, contract)| ReleaseSeries {
                    major: *major,
                    minor: *minor,
                    contract: contract.to_string(),
                })
                .collect(),
        }
    }

    /// Release series as (major, minor, contract).
    type Series = Vec<(u64, u64, &'static str)>;
    /// A row of the latest-next-version table: name, current version, available versions,
    /// series, contracts, expected version.
    type NextVersionCase = (
        &'static str,
        &'static str,
        Vec<&'static str>,
        Series,
        Vec<&'static str>,
        &'static str,
    );

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    // Ported from cmd/clusterctl/client/cluster/upgrader_info_test.go
    // (Test_upgradeInfo_getContractsForUpgrade).
    #[test]
    fn contracts_for_upgrade_table() {
        let cases: [(&str, Series, &str, Vec<&str>); 5] = [
            (
                "one contract, current",
                vec![(0, 1, CURRENT), (0, 2, CURRENT), (0, 3, CURRENT)],
                "v0.2.1",
                vec![CURRENT],
            ),
            (
                "previous and current contracts, both valid",
                vec![(0, 1, OLD_UNSUPPORTED), (0, 2, CURRENT)],
                "v0.1.1",
                vec![OLD_UNSUPPORTED, CURRENT],
            ),
            (
                "current and next contracts, both valid",
                vec![(0, 1, CURRENT), (0, 2, NEXT)],
                "v0.1.1",
                vec![CURRENT, NEXT],
            ),
            (
                "only the current one valid",
                vec![(0, 1, OLD_UNSUPPORTED), (0, 2, CURRENT)],
                "v0.2.1",
                vec![CURRENT],
            ),
            (
                "current version matches no series",
                vec![],
                "v0.2.1",
                vec![],
            ),
        ];
        for (name, series, current, want) in cases {
            let info = UpgradeInfo::new(&metadata(&series), v(current), Vec::new());
            let mut want: Vec<String> = want.into_iter().map(String::from).collect();
            want.sort();
            assert_eq!(info.contracts_for_upgrade(), want, "{name}");
        }
    }

    // Ported from Test_upgradeInfo_getLatestNextVersion.
    #[test]
    fn latest_next_version_table() {
        let cases: [NextVersionCase; 7] = [
            (
                "already up to date",
                "v1.2.3",
                vec![],
                vec![(1, 2, CURRENT)],
                vec![CURRENT],
                "",
            ),
            (
                "same series, current contract",
                "v1.2.3",
                vec!["v1.2.4", "v1.2.5"],
                vec![(1, 2, CURRENT)],
                vec![CURRENT],
                "v1.2.5",
            ),
            (
                "same series, compatible contract",
                "v1.2.3",
                vec!["v1.2.4", "v1.2.5"],
                vec![(1, 2, OLD_SUPPORTED)],
                vec![CURRENT, OLD_SUPPORTED],
                "v1.2.5",
            ),
            (
                "next series, current contract",
                "v1.2.3",
                vec!["v1.2.4", "v1.3.1", "v2.0.1", "v2.0.2"],
                vec![(1, 2, CURRENT), (1, 3, CURRENT), (2, 0, NEXT)],
                vec![CURRENT],
                "v1.3.1",
            ),
            (
                "next series, compatible contract",
                "v1.2.3",
                vec!["v1.2.4", "v1.3.1", "v2.0.1", "v2.0.2"],
                vec![(1, 2, OLD_SUPPORTED), (1, 3, OLD_SUPPORTED), (2, 0, NEXT)],
                vec![CURRENT, OLD_SUPPORTED],
                "v1.3.1",
            ),
            (
                "transition from a compatible contract",
                "v1.2.3",
                vec!["v1.2.4", "v1.3.1", "v2.0.1", "v2.0.2"],
                vec![(1, 2, OLD_SUPPORTED), (1, 3, CURRENT), (2, 0, NEXT)],
                vec![CURRENT, OLD_SUPPORTED],
                "v1.3.1",
            ),
            (
                "the next contract",
                "v1.2.3",
                vec!["v1.2.4", "v1.3.1", "v2.0.1", "v2.0.2"],
                vec![(1, 2, CURRENT), (1, 3, CURRENT), (2, 0, NEXT)],
                vec![NEXT],
                "v2.0.2",
            ),
        ];
        for (name, current, next, series, compatible, want) in cases {
            let info = UpgradeInfo::new(
                &metadata(&series),
                v(current),
                next.into_iter().map(v).collect(),
            );
            let compatible: BTreeSet<String> = compatible.into_iter().map(String::from).collect();
            let got = info
                .latest_next_version(&compatible)
                .map(|v| v.tag())
                .unwrap_or_default();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn prereleases_are_never_planned() {
        let info = UpgradeInfo::new(
            &metadata(&[(1, 13, CURRENT), (1, 14, CURRENT)]),
            v("v1.13.5"),
            vec![v("v1.14.0-rc.1")],
        );
        assert_eq!(
            info.latest_next_version(&compatible_contracts(CURRENT)),
            None
        );
        assert_eq!(
            compatible_contracts("v1beta2")
                .into_iter()
                .collect::<Vec<_>>(),
            ["v1beta1", "v1beta2"]
        );
        assert_eq!(
            compatible_contracts("v1beta1")
                .into_iter()
                .collect::<Vec<_>>(),
            ["v1beta1"]
        );
    }
}
