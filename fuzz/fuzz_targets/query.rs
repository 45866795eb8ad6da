//! Fuzz target: any text typed into the search box. Parsing never panics,
//! and what parses prints back to text that parses to the same query.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(query) = trailglass_core::query::parse(text) {
        let printed = query.to_string();
        assert_eq!(
            trailglass_core::query::parse(&printed).as_ref(),
            Ok(&query),
            "{text:?} printed as {printed:?}"
        );
        let _ = trailglass_core::query::sql::to_sql(
            &query,
            None,
            trailglass_core::query::sql::Dialect::Athena,
        );
    }
});
