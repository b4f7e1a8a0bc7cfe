//! Semantic versions as clusterctl reads release tags (`v1.13.5`, `1.14.0-rc.1`): an optional
//! leading `v`, three numeric parts, optional pre-release and build metadata.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A release version. Ordering follows semver (pre-releases before their release; build
/// metadata ignored), like Kubernetes' `version.ParseSemantic`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version(semver::Version);

/// Returned for a string that is not `[v]MAJOR.MINOR.PATCH[-pre][+build]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not parse {0:?} as version")]
pub struct InvalidVersion(pub String);

impl Version {
    /// Builds `vMAJOR.MINOR.PATCH`.
    pub fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version(semver::Version::new(major, minor, patch))
    }

    /// Major part.
    pub fn major(&self) -> u64 {
        self.0.major
    }

    /// Minor part.
    pub fn minor(&self) -> u64 {
        self.0.minor
    }

    /// Patch part.
    pub fn patch(&self) -> u64 {
        self.0.patch
    }

    /// True for pre-releases (`v1.14.0-rc.1`).
    pub fn is_prerelease(&self) -> bool {
        !self.0.pre.is_empty()
    }

    /// The build metadata (`+build.1` gives `build.1`), empty if none.
    pub fn build(&self) -> &str {
        self.0.build.as_str()
    }

    /// The tag form, with a leading `v` (`v1.13.5`), as clusterctl writes versions.
    pub fn tag(&self) -> String {
        format!("v{}", self.0)
    }
}

impl FromStr for Version {
    type Err = InvalidVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bare = s.strip_prefix('v').unwrap_or(s);
        let parse = |text: &str| semver::Version::parse(text).ok();
        parse(bare)
            .or_else(|| parse(&strip_leading_zeros(bare)))
            .map(Version)
            .ok_or_else(|| InvalidVersion(s.to_string()))
    }
}

/// Kubernetes accepts `1.02.3`; semver does not. Normalize the numeric core only.
fn strip_leading_zeros(text: &str) -> String {
    let split = text.find(['-', '+']).unwrap_or(text.len());
    let (core, rest) = text.split_at(split);
    let core: Vec<String> = core
        .split('.')
        .map(|part| {
            let trimmed = part.trim_start_matches('0');
            if trimmed.is_empty() && !part.is_empty() {
                "0".to_string()
            } else {
                trimmed.to_string()
            }
        })
        .collect();
    format!("{}{rest}", core.join("."))
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp_precedence(&other.0)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Go's `semver.ParseTolerant` (blang/semver): surrounding spaces, a leading `v` and missing
/// minor or patch parts (`1.2` is `1.2.0`) are accepted.
pub fn parse_tolerant(text: &str) -> Option<Version> {
    let text = text.trim();
    let bare = text.strip_prefix('v').unwrap_or(text);
    let split = bare.find(['-', '+']).unwrap_or(bare.len());
    let (core, rest) = bare.split_at(split);
    let parts = core.split('.').count();
    if parts == 0 || parts > 3 {
        return None;
    }
    let padded = format!("{core}{}{rest}", ".0".repeat(3 - parts));
    padded.parse().ok()
}

/// The result of [`compare_with_build_tags`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildOrdering {
    /// Lower.
    Less,
    /// Equal, build metadata included.
    Equal,
    /// Higher.
    Greater,
    /// Same version with build metadata that cannot be ordered (e.g. two commit hashes).
    Different,
}

/// Cluster API's `version.Compare(a, b, WithBuildTags())`: semver precedence, then build
/// metadata compared identifier by identifier — numbers numerically and below words, words only
/// for equality (unequal words give [`BuildOrdering::Different`]), the longer list higher.
pub fn compare_with_build_tags(a: &Version, b: &Version) -> BuildOrdering {
    match a.cmp(b) {
        Ordering::Less => return BuildOrdering::Less,
        Ordering::Greater => return BuildOrdering::Greater,
        Ordering::Equal => {}
    }
    let ids = |v: &Version| -> Vec<String> {
        if v.build().is_empty() {
            Vec::new()
        } else {
            v.build().split('.').map(str::to_string).collect()
        }
    };
    let (x, y) = (ids(a), ids(b));
    for (p, q) in x.iter().zip(y.iter()) {
        let pn = p
            .parse::<u64>()
            .ok()
            .filter(|_| p.bytes().all(|c| c.is_ascii_digit()));
        let qn = q
            .parse::<u64>()
            .ok()
            .filter(|_| q.bytes().all(|c| c.is_ascii_digit()));
        let step = match (pn, qn) {
            (Some(_), None) => BuildOrdering::Less,
            (None, Some(_)) => BuildOrdering::Greater,
            (Some(m), Some(n)) => match m.cmp(&n) {
                Ordering::Less => BuildOrdering::Less,
                Ordering::Equal => BuildOrdering::Equal,
                Ordering::Greater => BuildOrdering::Greater,
            },
            (None, None) if p == q => BuildOrdering::Equal,
            (None, None) => BuildOrdering::Different,
        };
        if step != BuildOrdering::Equal {
            return step;
        }
    }
    match x.len().cmp(&y.len()) {
        Ordering::Less => BuildOrdering::Less,
        Ordering::Equal => BuildOrdering::Equal,
        Ordering::Greater => BuildOrdering::Greater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_with_and_without_v() {
        let v: Version = "v1.13.5".parse().unwrap();
        assert_eq!((v.major(), v.minor(), v.patch()), (1, 13, 5));
        assert_eq!(v.tag(), "v1.13.5");
        assert_eq!(
            "1.14.0-rc.1".parse::<Version>().unwrap().tag(),
            "v1.14.0-rc.1"
        );
        assert!("1.14.0-rc.1".parse::<Version>().unwrap().is_prerelease());
        assert_eq!("v1.02.3".parse::<Version>().unwrap().tag(), "v1.2.3");
        for bad in ["latest", "v1.2", "", "v", "1.2.3.4", "x1.2.3"] {
            assert!(bad.parse::<Version>().is_err(), "{bad}");
        }
    }

    #[test]
    fn orders_by_semver_precedence() {
        let mut vs: Vec<Version> = [
            "v1.10.0",
            "v1.9.3",
            "v1.10.0-rc.1",
            "v1.10.0-beta.0",
            "v2.0.0",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        vs.sort();
        let tags: Vec<String> = vs.iter().map(Version::tag).collect();
        assert_eq!(
            tags,
            [
                "v1.9.3",
                "v1.10.0-beta.0",
                "v1.10.0-rc.1",
                "v1.10.0",
                "v2.0.0"
            ]
        );
        assert_eq!(
            "v1.0.0+a"
                .parse::<Version>()
                .unwrap()
                .cmp(&"v1.0.0+b".parse().unwrap()),
            Ordering::Equal
        );
    }

    #[test]
    fn tolerant_parsing_and_build_tags() {
        assert_eq!(parse_tolerant(" v1.2 ").unwrap().tag(), "v1.2.0");
        assert_eq!(parse_tolerant("1").unwrap().tag(), "v1.0.0");
        assert!(parse_tolerant("x").is_none());
        let v = |s: &str| parse_tolerant(s).unwrap();
        use BuildOrdering::*;
        assert_eq!(
            compare_with_build_tags(&v("v1.5.3"), &v("v1.5.3+h4fd4")),
            Less
        );
        assert_eq!(
            compare_with_build_tags(&v("v1.5.3+h4fd5"), &v("v1.5.3+h4fd4")),
            Different
        );
        assert_eq!(
            compare_with_build_tags(&v("v1.5.3+build.2"), &v("v1.5.3+build.1")),
            Greater
        );
        assert_eq!(
            compare_with_build_tags(&v("v1.5.3+build.2"), &v("v1.5.3+build.3")),
            Less
        );
        assert_eq!(
            compare_with_build_tags(&v("v1.5.3+1"), &v("v1.5.3+a")),
            Less
        );
        assert_eq!(compare_with_build_tags(&v("v1.4.0+z"), &v("v1.5.3")), Less);
        assert_eq!(
            compare_with_build_tags(&v("v1.5.3+x.1"), &v("v1.5.3+x.1")),
            Equal
        );
    }
}
