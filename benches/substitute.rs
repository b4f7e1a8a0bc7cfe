//! Throughput of variable substitution on a generated 5 MB manifest (parse + process), and of
//! the whole components pipeline on the same text. Prints MB/s; `hack/bench.sh` runs it.

use std::time::{Duration, Instant};

use capictl::components::{Components, ComponentsOptions};
use capictl::config::{ImageOverrides, ProviderConfig};
use capictl::template::Template;

fn manifest() -> String {
    let core = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/repository/cluster-api/v1.13.5/core-components.yaml"
    ))
    .expect("testdata core components");
    let mut text = String::with_capacity(5 << 20);
    let mut i = 0;
    while text.len() < 5 << 20 {
        // Distinct object names per copy, so the result is a valid stream of unique objects;
        // only the first copy keeps the Namespace (a provider has exactly one).
        let copy = core.replace("name: capi-", &format!("name: capi{i}-"));
        let copy = if i == 0 {
            copy
        } else {
            copy.replacen("kind: Namespace", "kind: ConfigMap", 1)
        };
        text.push_str(&copy);
        text.push_str("\n---\n");
        i += 1;
    }
    text
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let text = manifest();
    let mb = text.len() as f64 / 1e6;
    let lookup = |name: &str| (name == "CAPI_DIAGNOSTICS_ADDRESS").then(|| ":9443".to_string());

    let runs = 7;
    let substitute: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let template = Template::parse(&text).expect("parse");
            let out = template.process(&lookup).expect("process");
            std::hint::black_box(out);
            start.elapsed()
        })
        .collect();
    let t = median(substitute);
    println!(
        "substitute: {mb:.1} MB in {:.1} ms (median of {runs}) = {:.0} MB/s",
        t.as_secs_f64() * 1e3,
        mb / t.as_secs_f64()
    );

    let provider = ProviderConfig {
        name: "cluster-api".into(),
        provider_type: capictl::ProviderType::Core,
        url: "file:///bench/cluster-api/v1.13.5/core-components.yaml".into(),
    };
    let pipeline: Vec<Duration> = (0..3)
        .map(|_| {
            let start = Instant::now();
            let c = Components::new(
                provider.clone(),
                text.as_bytes(),
                ComponentsOptions {
                    version: "v1.13.5".into(),
                    target_namespace: Some("capi-system".into()),
                    skip_template_process: false,
                },
                &lookup,
                &ImageOverrides::default(),
            )
            .expect("components");
            std::hint::black_box(c.yaml());
            start.elapsed()
        })
        .collect();
    let t = median(pipeline);
    println!(
        "components pipeline (substitute, parse, process, print): {mb:.1} MB in {:.0} ms = {:.1} MB/s",
        t.as_secs_f64() * 1e3,
        mb / t.as_secs_f64()
    );
}
