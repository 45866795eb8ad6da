//! Owns byte-level JSON structure walking: skipping whitespace, finding where
//! a value ends without decoding it, and resynchronising after broken input.
//! Only the error path and envelope keys use it; records are decoded by serde.

/// Offset of the first byte at or after `at` that is not JSON whitespace.
pub fn skip_ws(text: &[u8], mut at: usize) -> usize {
    while let Some(b) = text.get(at) {
        if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            break;
        }
        at += 1;
    }
    at
}

/// The offset just past the object or array opening at `start`, tracking only
/// strings and brackets, so junk between tokens does not derail it. `None` when
/// the brackets never balance before the end of the text.
pub fn skip_container(text: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = start;
    while let Some(&byte) = text.get(at) {
        match byte {
            b'"' => {
                at = skip_string(text, at)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// The offset just past the string whose opening quote is at `start`.
pub fn skip_string(text: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    loop {
        at += memchr::memchr2(b'"', b'\\', text.get(at..)?)?;
        if text[at] == b'\\' {
            at += 2;
        } else {
            return Some(at + 1);
        }
    }
}

/// Reads the key of the first member of the object opening at `start`, if it
/// is a plain (escape-free) string.
pub fn first_key(text: &[u8], start: usize) -> Option<&[u8]> {
    let at = skip_ws(text, start + 1);
    if text.get(at) != Some(&b'"') {
        return None;
    }
    let end = skip_string(text, at)?;
    let key = &text[at + 1..end - 1];
    (!key.contains(&b'\\')).then_some(key)
}

/// Offset of the value of the member whose key string starts at `key_start`.
pub fn value_after_key(text: &[u8], key_start: usize) -> Option<usize> {
    let end = skip_string(text, key_start)?;
    let colon = skip_ws(text, end);
    (text.get(colon) == Some(&b':')).then(|| skip_ws(text, colon + 1))
}

/// The next line of the text that starts with `{` at column 0 after `from`:
/// where a JSON Lines reader picks up again after a broken line.
pub fn next_line_object(text: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find_iter(text.get(from..)?, b"\n{")
        .next()
        .map(|i| from + i + 1)
}

/// The raw value at a member path (`["requestParameters", "bucketName"]`)
/// of the JSON object at the start of `json`, found by skipping, not decoding.
/// Keys match exactly first, then ignoring ASCII case; a numeric part
/// indexes into an array.
pub fn value_at_path<'j>(json: &'j [u8], path: &[String]) -> Option<&'j [u8]> {
    let mut at = skip_ws(json, 0);
    for key in path {
        at = match json.get(at)? {
            b'{' => member(json, at, key)?,
            b'[' => element(json, at, key.parse().ok()?)?,
            _ => return None,
        };
    }
    let end = match json.get(at)? {
        b'{' | b'[' => skip_container(json, at)?,
        b'"' => skip_string(json, at)?,
        _ => {
            at + json[at..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                .unwrap_or(json.len() - at)
        }
    };
    Some(&json[at..end])
}

/// Every raw value at a member path, like [`value_at_path`], except that a
/// key meeting an array looks into each element: in EC2's
/// `ipPermissions.items.ipRanges.items.cidrIp` that is every CIDR of every
/// permission. A numeric key still picks one element.
pub fn values_at_path<'j>(json: &'j [u8], path: &[String], found: &mut Vec<&'j [u8]>) {
    collect_at_path(json, skip_ws(json, 0), path, found, 0);
}

/// Arrays nested deeper than this are not looked into: hostile input must
/// not exhaust the stack.
const MAX_ARRAY_DEPTH: usize = 32;

fn collect_at_path<'j>(
    json: &'j [u8],
    at: usize,
    path: &[String],
    found: &mut Vec<&'j [u8]>,
    depth: usize,
) {
    let Some((key, rest)) = path.split_first() else {
        if let Some(end) = value_end(json, at) {
            found.push(&json[at..end]);
        }
        return;
    };
    match json.get(at) {
        Some(b'{') => {
            if let Some(value) = member(json, at, key) {
                collect_at_path(json, value, rest, found, depth);
            }
        }
        Some(b'[') => match key.parse::<usize>() {
            Ok(index) => {
                if let Some(value) = element(json, at, index) {
                    collect_at_path(json, value, rest, found, depth);
                }
            }
            Err(_) if depth < MAX_ARRAY_DEPTH => {
                let mut next = skip_ws(json, at + 1);
                while let Some(end) = json
                    .get(next)
                    .filter(|&&b| b != b']')
                    .and(value_end(json, next))
                {
                    collect_at_path(json, next, path, found, depth + 1);
                    next = skip_ws(json, end);
                    if json.get(next) != Some(&b',') {
                        break;
                    }
                    next = skip_ws(json, next + 1);
                }
            }
            Err(_) => {}
        },
        _ => {}
    }
}

/// Where the value starting at `at` ends.
fn value_end(json: &[u8], at: usize) -> Option<usize> {
    match json.get(at)? {
        b'{' | b'[' => skip_container(json, at),
        b'"' => skip_string(json, at),
        _ => Some(
            at + json[at..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                .unwrap_or(json.len() - at),
        ),
    }
}

/// Offset of the value of `key` in the object opening at `open`.
fn member(json: &[u8], open: usize, key: &str) -> Option<usize> {
    let mut at = skip_ws(json, open + 1);
    let mut folded = None;
    while json.get(at) == Some(&b'"') {
        let key_end = skip_string(json, at)?;
        let name = &json[at + 1..key_end - 1];
        let value = value_after_key(json, at)?;
        if name == key.as_bytes() {
            return Some(value);
        }
        if folded.is_none() && name.eq_ignore_ascii_case(key.as_bytes()) {
            folded = Some(value);
        }
        let after = match json.get(value)? {
            b'{' | b'[' => skip_container(json, value)?,
            b'"' => skip_string(json, value)?,
            _ => {
                value
                    + json[value..]
                        .iter()
                        .position(|b| matches!(b, b',' | b'}'))?
            }
        };
        at = skip_ws(json, after);
        match json.get(at) {
            Some(b',') => at = skip_ws(json, at + 1),
            _ => break,
        }
    }
    folded
}

/// Offset of element `index` of the array opening at `open`.
fn element(json: &[u8], open: usize, index: usize) -> Option<usize> {
    let mut at = skip_ws(json, open + 1);
    for _ in 0..index {
        let after = match json.get(at)? {
            b'{' | b'[' => skip_container(json, at)?,
            b'"' => skip_string(json, at)?,
            b']' => return None,
            _ => at + json[at..].iter().position(|b| matches!(b, b',' | b']'))?,
        };
        at = skip_ws(json, after);
        if json.get(at) != Some(&b',') {
            return None;
        }
        at = skip_ws(json, at + 1);
    }
    (json.get(at) != Some(&b']')).then_some(at)
}

#[cfg(test)]
mod tests;
