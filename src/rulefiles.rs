//! Owns the user's Sigma rule files on the page: telling them from log files,
//! reading them, and keeping them in this browser's IndexedDB (never sent
//! anywhere) so they are there again in the next tab.

use super::files::Picked;
use super::protocol::RuleFile;
use wasm_bindgen::{JsCast, JsValue};

use super::idb::{database, done, RULE_FILES as STORE};
/// A rule file past this is not read whole: the worker reads the first
/// bytes and says the file is too big (its limit is 16 MB).
const READ_LIMIT: f64 = 16.0 * 1024.0 * 1024.0 + 1.0;

/// Whether a picked or dropped file is a Sigma rule file, by its name.
pub fn is_rule_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml")
}

/// Rule files read at once: a folder of hundreds is read in a fraction of
/// the time one after another takes.
const READS_IN_FLIGHT: usize = 64;

/// The text of each picked rule file, in the order picked (invalid UTF-8
/// replaced: the rule lab then shows where the file stops making sense).
pub async fn read(picked: Vec<Picked>) -> Vec<RuleFile> {
    use futures_util::StreamExt;
    futures_util::stream::iter(picked)
        .map(|Picked { name, file }| async move {
            let text = match super::files::read_prefix(&file, READ_LIMIT).await {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(()) => "# could not be read".to_owned(),
            };
            RuleFile { name, text }
        })
        .buffered(READS_IN_FLIGHT)
        .collect()
        .await
}

/// `files` with `added` in, a file of the same name replaced.
pub fn merged(mut files: Vec<RuleFile>, added: Vec<RuleFile>) -> Vec<RuleFile> {
    for file in added {
        match files.iter_mut().find(|f| f.name == file.name) {
            Some(old) => *old = file,
            None => files.push(file),
        }
    }
    files
}

/// The rule files kept in this browser, in the order they were added.
pub async fn stored() -> Vec<RuleFile> {
    let read = async {
        let db = database().await?;
        let store = db.transaction_with_str(STORE)?.object_store(STORE)?;
        let keys = done(&store.get_all_keys()?).await?;
        let values = done(&store.get_all()?).await?;
        let keys: js_sys::Array = keys.dyn_into()?;
        let values: js_sys::Array = values.dyn_into()?;
        let mut files: Vec<(f64, RuleFile)> = keys
            .iter()
            .zip(values.iter())
            .filter_map(|(key, value)| {
                let name = key.as_string()?;
                let text = js_sys::Reflect::get(&value, &"text".into())
                    .ok()?
                    .as_string()?;
                let order = js_sys::Reflect::get(&value, &"order".into())
                    .ok()
                    .and_then(|o| o.as_f64())
                    .unwrap_or(0.0);
                Some((order, RuleFile { name, text }))
            })
            .collect();
        trailglass_core::sorting::sort_by(&mut files, |a, b| a.0.total_cmp(&b.0));
        Ok::<_, JsValue>(files.into_iter().map(|(_, f)| f).collect())
    };
    read.await.unwrap_or_default()
}

/// Keeps exactly `files` (earlier ones not among them are removed).
pub async fn keep(files: Vec<RuleFile>) {
    let write = async {
        let db = database().await?;
        let transaction =
            db.transaction_with_str_and_mode(STORE, web_sys::IdbTransactionMode::Readwrite)?;
        let store = transaction.object_store(STORE)?;
        // Requests run in order: waiting for the last one waits for all,
        // and nothing is awaited while the transaction must stay open.
        let mut last = store.clear()?;
        for (order, file) in files.iter().enumerate() {
            let value = js_sys::Object::new();
            js_sys::Reflect::set(&value, &"text".into(), &file.text.as_str().into())?;
            js_sys::Reflect::set(&value, &"order".into(), &(order as f64).into())?;
            last = store.put_with_key(&value, &file.name.as_str().into())?;
        }
        done(&last).await?;
        Ok::<_, JsValue>(())
    };
    if let Err(error) = write.await {
        web_sys::console::warn_1(&error);
    }
}
