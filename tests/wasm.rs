//! Tests that run inside headless Chromium (wasm-bindgen-test): the core
//! behaves the same compiled to wasm32, and worker messages survive the
//! structured-clone codec.
#![cfg(target_arch = "wasm32")]

use trailglass_core::load::ingest::Loader;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const SEEDS: &[(&str, &[u8])] = &[
    (
        "cloudwatch-01.json",
        include_bytes!("fixtures/seeds/cloudwatch-01.json"),
    ),
    (
        "launch-wizard-01.json",
        include_bytes!("fixtures/seeds/launch-wizard-01.json"),
    ),
    (
        "launch-wizard-02.json",
        include_bytes!("fixtures/seeds/launch-wizard-02.json"),
    ),
    (
        "opsworks-01.json",
        include_bytes!("fixtures/seeds/opsworks-01.json"),
    ),
    (
        "marketplace-deployment-01.json",
        include_bytes!("fixtures/seeds/marketplace-deployment-01.json"),
    ),
];

#[wasm_bindgen_test]
fn broken_seed_records_are_reported_and_the_rest_loads_in_wasm() {
    let mut loader = Loader::default();
    for (name, bytes) in SEEDS {
        loader.load(name, bytes);
    }
    // cloudwatch-01: 1, launch-wizard-01: 0, -02: 1, opsworks-01: 1, marketplace: 1.
    assert_eq!(loader.store.len(), 4);
    let files: Vec<&str> = loader
        .report
        .diagnostics
        .iter()
        .map(|d| d.file.as_str())
        .collect();
    assert_eq!(
        files,
        [
            "cloudwatch-01.json",
            "launch-wizard-01.json",
            "opsworks-01.json",
            "marketplace-deployment-01.json"
        ]
    );
    assert!(loader
        .report
        .diagnostics
        .iter()
        .all(|d| d.line >= 1 && d.column > 1));
}

#[wasm_bindgen_test]
fn gzip_deliveries_inflate_in_wasm() {
    let mut loader = Loader::default();
    loader.load(
        "trail.json.gz",
        include_bytes!("fixtures/trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz"),
    );
    let plain = include_bytes!("fixtures/trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json");
    let mut reference = Loader::default();
    reference.load("trail.json", plain);
    assert!(!loader.store.is_empty());
    assert_eq!(loader.store.len(), reference.store.len());
    assert!(
        loader.report.diagnostics.is_empty(),
        "{:?}",
        loader.report.diagnostics
    );
}

/// What the store worker sends, as the page reads it.
fn through_the_codecs(
    message: &trailglass::protocol::FromWorker,
) -> (wasm_bindgen::JsValue, trailglass::protocol::FromWorker) {
    use gloo::worker::Codec;
    use trailglass::codec::{PageCodec, WorkerCodec};
    let sent = WorkerCodec::encode(message.clone());
    (sent.clone(), PageCodec::decode(sent))
}

#[wasm_bindgen_test]
fn worker_messages_survive_the_codecs() {
    use trailglass::protocol::{FromWorker, LoadSummary, ViewResult};
    use wasm_bindgen::JsCast;
    let summary = LoadSummary {
        files: 3,
        events: 12,
        first_event: Some("2024-05-01T00:00:00Z".into()),
        ..LoadSummary::default()
    };
    let message = FromWorker::Loaded(summary);
    let (sent, decoded) = through_the_codecs(&message);
    assert_eq!(decoded, message);
    assert!(
        sent.is_instance_of::<js_sys::Uint8Array>(),
        "a summary crosses as JSON bytes"
    );
    let mut loader = Loader::default();
    for (name, bytes) in SEEDS {
        loader.load(name, bytes);
    }
    let order = trailglass_core::query::view::time_order(&loader.store);
    let view = ViewResult {
        total: 4,
        shown: 4,
        timeline: trailglass_core::query::view::timeline(&loader.store, &order, None, 50),
        rows: trailglass_core::query::view::window(&loader.store, &order, 0, 10, false),
        ..ViewResult::default()
    };
    let message = FromWorker::View(Box::new(view));
    let (sent, decoded) = through_the_codecs(&message);
    assert_eq!(decoded, message);
    assert!(
        sent.is_instance_of::<js_sys::Uint8Array>(),
        "a view crosses as JSON bytes"
    );
}

#[wasm_bindgen_test]
fn an_export_crosses_with_its_bytes_as_one_buffer() {
    use trailglass::protocol::FromWorker;
    use wasm_bindgen::JsCast;
    let message = FromWorker::Export {
        file_name: "trailglass-events.csv".into(),
        mime: "text/csv".into(),
        bytes: (0..=255u8).cycle().take(100_000).collect(),
        gzip: false,
    };
    let (sent, decoded) = through_the_codecs(&message);
    assert_eq!(decoded, message);
    // Not in the JSON (an array of numbers): JSON bytes, and the bytes beside them as one Uint8Array.
    let parts: js_sys::Array = sent
        .clone()
        .dyn_into()
        .expect("an export crosses as two parts");
    assert_eq!(parts.length(), 2, "{sent:?}");
    assert!(parts.get(0).is_instance_of::<js_sys::Uint8Array>());
    let beside: js_sys::Uint8Array = parts
        .get(1)
        .dyn_into()
        .expect("its bytes are one Uint8Array");
    assert_eq!(beside.length(), 100_000);
    let json = parts.get(0).unchecked_into::<js_sys::Uint8Array>().to_vec();
    assert!(
        json.len() < 200,
        "the bytes are not in the JSON: {} bytes",
        json.len()
    );
}

#[wasm_bindgen_test]
fn a_query_filters_the_same_in_wasm() {
    let mut loader = Loader::default();
    for (name, bytes) in SEEDS {
        loader.load(name, bytes);
    }
    let order = trailglass_core::query::view::time_order(&loader.store);
    let filter = trailglass_core::query::filter::Filter {
        query: trailglass_core::query::parse("eventSource:monitoring* OR opsworks").unwrap(),
        ..Default::default()
    };
    let selection = trailglass_core::query::filter::select(&loader.store, &order, &filter);
    assert_eq!(selection.len(), 2);
}
