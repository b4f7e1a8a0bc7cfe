//! Feeds arbitrary UTF-8 to the template module: parsing, listing variables, evaluating and
//! processing must never panic (or overflow the stack), whatever the input.
//!
//! Run with `cargo fuzz run -s none substitute` from the repository root.
#![no_main]

use capictl::template::{Template, process};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    // Whatever follows the first U+0001 is the value of the variables that are set, so
    // values are as hostile as templates.
    let (text, value) = input.split_once('\u{1}').unwrap_or((input, "é€😀/*?[a-c]-3"));
    let lookup = |name: &str| (name.len() % 3 != 0).then(|| value.to_owned());
    if let Ok(template) = Template::parse(text) {
        let variables = template.variables();
        let evaluated = template.evaluate(&lookup);
        assert!(variables.windows(2).all(|pair| pair[0].name < pair[1].name));
        if !text.contains('$') {
            assert_eq!(evaluated, text.split('\0').next().unwrap_or_default());
        }
    }
    let _ = process(text, &lookup);
});
