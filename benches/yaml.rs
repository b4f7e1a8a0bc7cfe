//! Speed of the YAML layer on the cluster-api core components (1.1 MB of CRDs): reading the
//! stream into objects (`parse_documents`) and printing them again (`objects_to_yaml`).
//! Prints the median time and MB/s of each; `cargo bench --bench yaml`.

use std::time::{Duration, Instant};

use capictl::yaml::{objects_to_yaml, parse_documents};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let samples = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let out = f();
            let elapsed = start.elapsed();
            // Dropping the result is not part of what is measured.
            drop(std::hint::black_box(out));
            elapsed
        })
        .collect();
    median(samples)
}

fn report(what: &str, bytes: usize, runs: usize, t: Duration) {
    let mb = bytes as f64 / 1e6;
    println!(
        "{what}: {mb:.2} MB in {:.2} ms (median of {runs}) = {:.0} MB/s",
        t.as_secs_f64() * 1e3,
        mb / t.as_secs_f64()
    );
}

fn main() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/repository/cluster-api/v1.13.5/core-components.yaml"
    ))
    .expect("testdata core components");
    let runs = 31;

    let objects = parse_documents(&text).expect("core components parse");
    let t = time(runs, || parse_documents(&text).expect("parse"));
    report("parse_documents", text.len(), runs, t);

    let printed = objects_to_yaml(&objects);
    let t = time(runs, || objects_to_yaml(&objects));
    report("objects_to_yaml", printed.len(), runs, t);
}
