//! Owns turning what the user dropped or picked into files for the worker:
//! walking dropped folders through the File System Entries API, and handing
//! a load over, the small files as bytes the page reads, the big ones as
//! handles the parsers read.

use super::handle::{Content, FileHandle};
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A file the user dropped or picked, on the page.
#[derive(Clone)]
pub struct Picked {
    /// Path inside a dropped folder, or the file name.
    pub name: String,
    pub file: web_sys::File,
}

/// Handles from an `<input type=file>` (with or without `webkitdirectory`).
pub fn from_file_list(list: &web_sys::FileList) -> Vec<Picked> {
    from_file_range(list, 0, list.length())
}

/// Handles for files `start..end` of a list.
pub fn from_file_range(list: &web_sys::FileList, start: u32, end: u32) -> Vec<Picked> {
    (start..end.min(list.length()))
        .filter_map(|i| list.get(i))
        .map(|file| {
            // `webkitRelativePath` is set by folder pickers; web-sys does not bind it.
            let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let name = if relative.is_empty() {
                file.name()
            } else {
                relative
            };
            Picked { name, file }
        })
        .collect()
}

/// What a drop holds, taken synchronously: browsers empty the `DataTransfer`
/// once the drop handler returns.
pub enum Dropped {
    Entries(Vec<web_sys::FileSystemEntry>),
    Files(Vec<Picked>),
}

pub fn take_dropped(transfer: &web_sys::DataTransfer) -> Dropped {
    let items = transfer.items();
    let entries: Vec<web_sys::FileSystemEntry> = (0..items.length())
        .filter_map(|i| items.get(i))
        .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
        .collect();
    if entries.is_empty() {
        Dropped::Files(
            transfer
                .files()
                .map(|list| from_file_list(&list))
                .unwrap_or_default(),
        )
    } else {
        Dropped::Entries(entries)
    }
}

/// Handles for everything dropped: files and whole folders (recursively).
pub async fn walk_dropped(dropped: Dropped) -> Vec<Picked> {
    let mut stack = match dropped {
        Dropped::Files(files) => return files,
        Dropped::Entries(entries) => entries,
    };
    let mut handles = Vec::new();
    while let Some(entry) = stack.pop() {
        if entry.is_directory() {
            let directory: web_sys::FileSystemDirectoryEntry = entry.unchecked_into();
            stack.extend(read_directory(&directory).await);
        } else if let Some(file) = entry_file(entry.unchecked_ref()).await {
            let path = entry.full_path();
            let name = path.strip_prefix('/').unwrap_or(&path).to_owned();
            handles.push(Picked { name, file });
        }
    }
    trailglass_core::sorting::sort_by(&mut handles, |a, b| a.name.cmp(&b.name));
    handles
}

/// All entries of a directory: `readEntries` returns them in batches until empty.
async fn read_directory(
    directory: &web_sys::FileSystemDirectoryEntry,
) -> Vec<web_sys::FileSystemEntry> {
    let reader = directory.create_reader();
    let mut all = Vec::new();
    loop {
        let batch = callback_promise(|resolve, reject| {
            if reader
                .read_entries_with_callback_and_callback(resolve, reject)
                .is_err()
            {
                let _ = reject.call0(&JsValue::NULL);
            }
        })
        .await;
        let Ok(batch) = batch else { break };
        let batch: js_sys::Array = batch.unchecked_into();
        if batch.length() == 0 {
            break;
        }
        all.extend(
            batch
                .iter()
                .map(JsCast::unchecked_into::<web_sys::FileSystemEntry>),
        );
    }
    all
}

async fn entry_file(entry: &web_sys::FileSystemFileEntry) -> Option<web_sys::File> {
    callback_promise(|resolve, reject| {
        entry.file_with_callback_and_callback(resolve, reject);
    })
    .await
    .ok()
    .map(JsCast::unchecked_into)
}

/// Adapts a callback-style API (success and error callbacks) to a future.
async fn callback_promise(
    call: impl FnOnce(&js_sys::Function, &js_sys::Function),
) -> Result<JsValue, JsValue> {
    let mut call = Some(call);
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let on_ok = Closure::once_into_js(move |value: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &value);
        });
        let on_err = Closure::once_into_js(move |error: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        if let Some(call) = call.take() {
            call(on_ok.unchecked_ref(), on_err.unchecked_ref());
        }
    });
    wasm_bindgen_futures::JsFuture::from(promise).await
}

/// Files per message to the worker.
const SLICE_FILES: usize = 16;
/// Files at least this big cross as handles (see [`Content`]).
const HANDLE_BYTES: f64 = trailglass_core::load::schedule::SPLIT_BYTES as f64;
/// Reads the page keeps going at once (the browser serves them in parallel).
const READS_IN_FLIGHT: usize = 64;
/// Bytes read but not yet parsed that the page allows before it waits.
const READ_AHEAD_BYTES: f64 = 256_000_000.0;
/// Handles are sent for this long before the page gets the thread back.
const BUDGET_MS: f64 = 10.0;

thread_local! {
    static LOADS: Cell<u32> = const { Cell::new(0) };
    /// Bytes the worker has parsed of the current load (from its progress).
    static PARSED_BYTES: Cell<f64> = const { Cell::new(0.0) };
    /// Every file handed over since the last Clear, by name: read again
    /// only to verify them against digests and for the case report.
    static PICKED: RefCell<HashMap<String, web_sys::File>> = RefCell::default();
}

/// The worker's progress, which paces the page's reading.
pub fn parsed_bytes(bytes: f64) {
    PARSED_BYTES.with(|parsed| parsed.set(bytes));
}

/// Stops handing over the current load (Cancel), or forgets every file (Clear).
pub fn stop_hand_over(forget: bool) {
    LOADS.with(|loads| loads.set(loads.get().wrapping_add(1)));
    if forget {
        PICKED.with(|picked| picked.borrow_mut().clear());
    }
}

/// Handles for every file handed over since the last Clear, by name.
pub fn all_picked() -> Vec<FileHandle> {
    PICKED.with(|picked| {
        let mut all: Vec<FileHandle> = picked
            .borrow()
            .iter()
            .map(|(name, file)| FileHandle::from_file(name.clone(), file.clone()))
            .collect();
        trailglass_core::sorting::sort_by(&mut all, |a, b| a.name.cmp(&b.name));
        all
    })
}

/// What reading a file on the page gave.
enum PageRead {
    Bytes(js_sys::ArrayBuffer),
    /// At least [`HANDLE_BYTES`]: it goes as a handle, and is read where it is parsed.
    TooBig,
    Failed,
}

/// Reads a file through its stream, giving up at [`HANDLE_BYTES`]: its
/// size is not asked (see [`FileHandle::from_file`]), and a big file is not
/// held on the page.
async fn read_on_page(file: &web_sys::File) -> PageRead {
    let Ok((chunks, total, whole)) = read_chunks(file, HANDLE_BYTES).await else {
        return PageRead::Failed;
    };
    if !whole {
        return PageRead::TooBig;
    }
    // One chunk that fills its buffer is sent as it is; else one copy, in JavaScript.
    if let [chunk] = chunks.as_slice() {
        let buffer = chunk.buffer();
        if chunk.byte_offset() == 0 && chunk.byte_length() == buffer.byte_length() {
            return PageRead::Bytes(buffer);
        }
    }
    let joined = js_sys::Uint8Array::new_with_length(total);
    let mut at = 0;
    for chunk in &chunks {
        joined.set(chunk, at);
        at += chunk.length();
    }
    PageRead::Bytes(joined.buffer())
}

/// A file's first bytes, at least `limit` of them when it has that many
/// (the whole file when it is shorter), read through its stream: asking a
/// picked file's size, or slicing it, is a synchronous question to the
/// browser (about 0.45 ms a file, measured).
pub async fn read_prefix(file: &web_sys::File, limit: f64) -> Result<Vec<u8>, ()> {
    let (chunks, total, _) = read_chunks(file, limit).await?;
    let mut bytes = Vec::with_capacity(total as usize);
    for chunk in &chunks {
        bytes.extend_from_slice(&chunk.to_vec());
    }
    Ok(bytes)
}

/// The chunks of a file's stream until its end or `limit` bytes: the
/// chunks, their total, and whether that is the whole file.
async fn read_chunks(
    file: &web_sys::File,
    limit: f64,
) -> Result<(Vec<js_sys::Uint8Array>, u32, bool), ()> {
    let reader: web_sys::ReadableStreamDefaultReader = file.stream().get_reader().unchecked_into();
    let mut chunks: Vec<js_sys::Uint8Array> = Vec::new();
    let mut total = 0u32;
    loop {
        let step = JsFuture::from(reader.read()).await.map_err(|_| ())?;
        let done = js_sys::Reflect::get(&step, &"done".into()).is_ok_and(|d| d.is_truthy());
        if done {
            return Ok((chunks, total, true));
        }
        let chunk: js_sys::Uint8Array = js_sys::Reflect::get(&step, &"value".into())
            .map_err(|_| ())?
            .unchecked_into();
        total = total.saturating_add(chunk.length());
        chunks.push(chunk);
        if f64::from(total) >= limit {
            let _ = reader.cancel();
            return Ok((chunks, total, false));
        }
    }
}

/// Hands a load's `total` files to the worker a slice at a time (see
/// [`super::protocol::FileSlice`]): files are read here, 64 at a time, and
/// go as bytes; those of 8 MB or more as handles. `slice(start, end)` gives
/// files `start..end`. The page keeps the thread: it waits on reads, and
/// yields while sending.
pub fn hand_over(
    send: yew::Callback<super::protocol::FileSlice<FileHandle>>,
    total: usize,
    mut slice: impl FnMut(usize, usize) -> Vec<Picked> + 'static,
) {
    if total == 0 {
        return;
    }
    let load = LOADS.with(|loads| {
        loads.set(loads.get().wrapping_add(1));
        loads.get()
    });
    PARSED_BYTES.with(|parsed| parsed.set(0.0));
    let current = move || LOADS.with(|loads| loads.get()) == load;
    wasm_bindgen_futures::spawn_local(async move {
        // Not in the pick's own task: with a big folder the browser's work in
        // it (making the file list) already takes tens of milliseconds.
        yield_to_page().await;
        let mut taken = 0;
        let mut first = true;
        let mut outgoing: Vec<FileHandle> = Vec::new();
        let mut read_bytes = 0.0;
        let mut reads = FuturesUnordered::new();
        let mut task_started = js_sys::Date::now();
        while current() {
            // Start reads while there is room, and the worker keeps up.
            while taken < total
                && reads.len() < READS_IN_FLIGHT
                && read_bytes - PARSED_BYTES.with(Cell::get) < READ_AHEAD_BYTES
            {
                for picked in slice(taken, taken + 1) {
                    PICKED.with(|all| {
                        all.borrow_mut()
                            .insert(picked.name.clone(), picked.file.clone())
                    });
                    reads.push(async move {
                        match read_on_page(&picked.file).await {
                            PageRead::Bytes(buffer) => FileHandle {
                                name: picked.name,
                                size: f64::from(buffer.byte_length()),
                                content: Content::Bytes(buffer),
                            },
                            // The worker reads it, and says why it cannot.
                            PageRead::TooBig | PageRead::Failed => {
                                FileHandle::from_file(picked.name, picked.file)
                            }
                        }
                    });
                }
                taken += 1;
            }
            let all_taken = taken >= total && reads.is_empty();
            if outgoing.len() >= SLICE_FILES || (all_taken && !outgoing.is_empty()) {
                let files = std::mem::take(&mut outgoing);
                send.emit(super::protocol::FileSlice {
                    load,
                    first,
                    files,
                    total_files: total,
                });
                first = false;
                if js_sys::Date::now() - task_started > BUDGET_MS {
                    yield_to_page().await;
                    task_started = js_sys::Date::now();
                }
                continue;
            }
            if all_taken {
                break;
            }
            if reads.is_empty() {
                // Waiting for the worker to catch up before reading more.
                gloo::timers::future::TimeoutFuture::new(20).await;
                task_started = js_sys::Date::now();
                continue;
            }
            if let Some(handle) = reads.next().await {
                read_bytes += handle.size;
                outgoing.push(handle);
            }
            task_started = js_sys::Date::now();
        }
    });
}

/// Lets the page handle input and paint: `scheduler.yield()` where the
/// browser has it (no 4 ms timer clamp), else a zero timeout.
async fn yield_to_page() {
    let scheduler = js_sys::Reflect::get(&js_sys::global(), &"scheduler".into()).ok();
    let yielded = scheduler.filter(|s| !s.is_undefined()).and_then(|s| {
        let method = js_sys::Reflect::get(&s, &"yield".into()).ok()?;
        let method: js_sys::Function = method.dyn_into().ok()?;
        method.call0(&s).ok()?.dyn_into::<js_sys::Promise>().ok()
    });
    match yielded {
        Some(promise) => {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
        None => gloo::timers::future::TimeoutFuture::new(0).await,
    }
}
