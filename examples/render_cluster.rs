//! Renders a workload cluster from the offline repository in `testdata/`, through the library
//! alone (no command line):
//!
//! ```sh
//! cargo run --example render_cluster
//! ```

use capictl::{Client, ClientOptions, ConfigSource, Env, GenerateClusterOptions, TemplateSource};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let testdata = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata");
    // Only the variables we set: nothing leaks in from the machine's environment.
    let env = Env::from_pairs([("HOME", std::env::temp_dir().to_string_lossy().into_owned())]);
    let client = Client::new(ClientOptions {
        config: ConfigSource::Path(format!("{testdata}/clusterctl.yaml").into()),
        env,
        fetch: Default::default(),
    })
    .await?;

    let mut options = GenerateClusterOptions::new("example");
    options.target_namespace = Some("default".into());
    options.kubernetes_version = Some("v1.35.0".into());
    options.worker_machine_count = Some(2);
    options.sources.push(TemplateSource::Repository {
        infrastructure: Some("docker:v1.13.5".into()),
        flavor: Some("development".into()),
    });

    match client.generate_cluster(options).await {
        Ok(template) => {
            eprintln!(
                "{} objects, variables: {}",
                template.objects.len(),
                template.variables.join(", ")
            );
            println!("{}", template.yaml());
            Ok(())
        }
        Err(e) => Err(e.chain().into()),
    }
}
