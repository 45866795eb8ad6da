//! Fuzz target: any text typed into the search box. Parsing never panics,
//! and what parses prints back to text that parses to the same query.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(query) = trailglass::query::parse(text) {
        let printed = query.to_string();
        assert_eq!(
            trailglass::query::parse(&printed).as_ref(),
            Ok(&query),
            "{text:?} printed as {printed:?}"
        );
        let _ = trailglass::sql::to_sql(&query, None, trailglass::sql::Dialect::Athena);
    }
});
