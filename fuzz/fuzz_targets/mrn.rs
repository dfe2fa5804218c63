//! `Mrn` parsing on arbitrary text: it parses or fails with an error whose message can be
//! shown, never a panic; what parses displays as exactly the text parsed, and round-trips
//! through JSON.

#![no_main]

use amazon_music::Mrn;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match text.parse::<Mrn>() {
        Ok(mrn) => {
            assert_eq!(mrn.to_string(), text, "Display gives back the input");
            let json = serde_json::to_string(&mrn).expect("an MRN serializes");
            let again: Mrn = serde_json::from_str(&json).expect("a serialized MRN parses");
            assert_eq!(again, mrn);
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
