//! `capictl config repositories`.

use capictl::Client;

use crate::cli::RepositoriesArgs;
use crate::output::tabwriter;

pub fn repositories(client: &Client, args: &RepositoriesArgs) -> anyhow::Result<()> {
    if args.output != "text" && args.output != "yaml" {
        anyhow::bail!(
            "invalid output format {:?}, valid values: [yaml text]",
            args.output
        );
    }
    let providers = client.repositories()?;
    if args.output == "yaml" {
        let list: Vec<serde_json::Value> = providers
            .iter()
            .map(|p| {
                let (dir, file) = p.url_dir_and_file();
                serde_json::json!({"Name": p.name, "ProviderType": p.provider_type.as_str(), "URL": dir, "File": file})
            })
            .collect();
        print!(
            "{}",
            capictl::yaml::to_yaml(&serde_json::Value::Array(list))
        );
        return Ok(());
    }
    let mut rows = vec![vec![
        "NAME".to_string(),
        "TYPE".into(),
        "URL".into(),
        "FILE".into(),
    ]];
    for p in &providers {
        let (dir, file) = p.url_dir_and_file();
        rows.push(vec![
            p.name.clone(),
            p.provider_type.as_str().into(),
            dir.into(),
            file.into(),
        ]);
    }
    print!("{}", tabwriter(&rows, 10, 3));
    Ok(())
}
