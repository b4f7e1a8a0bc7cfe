//! `capictl cache ls|prune|clear`.

use capictl::fetch::{Cache, FetchOptions, Lifetime};

use crate::cli::CacheCommand;
use crate::output::tabwriter;

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

fn human_age(secs: u64) -> String {
    match secs {
        s if s >= 86_400 => format!("{}d", s / 86_400),
        s if s >= 3600 => format!("{}h", s / 3600),
        s if s >= 60 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

pub fn run(command: &CacheCommand, options: &FetchOptions) -> anyhow::Result<()> {
    let Some(dir) = &options.cache_dir else {
        anyhow::bail!(
            "no cache folder: set --cache-dir, CAPICTL_CACHE_DIR or XDG_CACHE_HOME (or HOME)"
        );
    };
    let cache = Cache::new(dir);
    match command {
        CacheCommand::Ls => {
            let mut rows = vec![vec![
                "KEY".to_string(),
                "KIND".into(),
                "AGE".into(),
                "FRESH".into(),
                "SIZE".into(),
            ]];
            let mut total = 0;
            let entries = cache.entries();
            for (_, e) in &entries {
                let kind = match e.lifetime {
                    Lifetime::Immutable => "file",
                    Lifetime::Mutable => "list",
                    Lifetime::NotFound => "404",
                };
                let fresh = if e.is_fresh(options.ttl) { "yes" } else { "no" };
                total += e.size;
                rows.push(vec![
                    e.key.clone(),
                    kind.into(),
                    human_age(e.age().as_secs()),
                    fresh.into(),
                    human_size(e.size),
                ]);
            }
            print!("{}", tabwriter(&rows, 6, 3));
            println!(
                "\n{} entries, {} in {}",
                entries.len(),
                human_size(total),
                dir.display()
            );
        }
        CacheCommand::Prune => {
            let (records, blobs, freed) = cache.prune(options.ttl)?;
            println!(
                "Removed {records} expired entries and {blobs} unused files ({}) from {}",
                human_size(freed),
                dir.display()
            );
        }
        CacheCommand::Clear => {
            cache.clear()?;
            println!("Removed {}", dir.display());
        }
    }
    Ok(())
}
