//! Tests of `columns`.

use super::*;
use crate::query::filter::{row_matches, select, Filter};
use crate::query::sql::{to_sql, Dialect};
use crate::query::view::{facet, time_order};
use crate::query::{parse, Field, Query};

/// A generated organisation's trail, small enough for every column's values.
fn sample_store() -> EventStore {
    let config = crate::sample::SampleConfig {
        events: 3000,
        gzip: false,
        ..Default::default()
    };
    let mut loader = crate::load::ingest::Loader::default();
    for file in crate::sample::generate(&config) {
        loader.load(&file.path, &file.bytes);
    }
    loader.store.seal();
    loader.store
}

fn count(store: &EventStore, order: &[u32], query: &Query) -> Vec<u32> {
    let filter = Filter {
        query: query.clone(),
        ..Filter::default()
    };
    let mut selected = select(store, order, &filter);
    selected.sort_unstable();
    selected
}

/// A query term that asks for exactly this text.
fn equals(column: Column, text: &str) -> String {
    format!("{}:\"{}\"", column.field(), text.replace('"', "\\\""))
}

#[test]
fn each_column_sits_at_its_own_index() {
    for (index, def) in COLUMNS.iter().enumerate() {
        assert_eq!(def.column as usize, index, "{}", def.field);
        assert_eq!(def.column.def().field, def.field);
    }
}

#[test]
fn every_name_is_unique_and_finds_its_column_in_any_case() {
    let mut seen: Vec<String> = Vec::new();
    for def in &COLUMNS {
        assert!(
            !def.label.is_empty() && !def.about.is_empty(),
            "{}",
            def.field
        );
        for name in def.names() {
            let lower = name.to_ascii_lowercase();
            assert!(!seen.contains(&lower), "{name} names two columns");
            seen.push(lower);
            for spelling in [name.to_owned(), name.to_uppercase(), name.to_lowercase()] {
                assert_eq!(Column::named(&spelling), Some(def.column), "{spelling}");
            }
        }
    }
    assert_eq!(Column::named("requestParameters.bucketName"), None);
    assert_eq!(Column::named(""), None);
}

#[test]
fn each_view_places_its_columns_once_without_gaps() {
    for (view, places) in [
        ("facets", COLUMNS.map(|def| def.facet)),
        ("table", COLUMNS.map(|def| def.table.map(|t| t.at))),
        ("csv", COLUMNS.map(|def| def.csv.map(|c| c.at))),
    ] {
        let mut places: Vec<u8> = places.into_iter().flatten().collect();
        places.sort_unstable();
        let expected: Vec<u8> = (0..places.len() as u8).collect();
        assert_eq!(places, expected, "{view}");
    }
    let headers: Vec<&str> = csv_columns()
        .iter()
        .filter_map(|c| Some(c.def().csv.as_ref()?.header))
        .collect();
    let mut unique = headers.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), headers.len(), "{headers:?}");
    for column in facets() {
        let def = column.def();
        assert!(
            matches!(def.value, Value::Ids(_)),
            "{} counts ids",
            def.field
        );
    }
    for column in table_columns() {
        let spec = column.table().unwrap();
        assert!(spec.class.starts_with("c-") && !spec.width.is_empty());
    }
}

/// Field name → parse → filter → SQL → label, for every column and name.
#[test]
fn every_column_round_trips_from_name_to_sql() {
    let store = sample_store();
    let order = time_order(&store);
    let mut reader = store.raw_reader();
    for def in &COLUMNS {
        let column = def.column;
        for name in def.names() {
            let query = parse(&format!("{name}:*")).unwrap();
            let Query::Field { field, .. } = &query else {
                panic!("{name}: {query:?}");
            };
            assert_eq!(*field, Field::Column(column), "{name}");
            assert_eq!(query.to_string(), format!("{}:*", def.field));
        }
        // A value some event holds selects that event, one row at a time too.
        let (index, text) = (0..store.len())
            .map(|i| (i, column.text(&store, &store.rows[i])))
            .find(|(_, text)| !text.is_empty())
            .unwrap_or_else(|| panic!("the sample has no {}", def.field));
        let query = parse(&equals(column, &text)).unwrap();
        assert!(count(&store, &order, &query).contains(&(index as u32)));
        let json = reader.json(&store.rows[index]).to_vec();
        assert!(row_matches(&store, index, &json, &query), "{query}");
        for (dialect, name) in [
            (Dialect::Athena, def.field.to_ascii_lowercase()),
            (Dialect::CloudTrailLake, def.field.to_owned()),
        ] {
            let sql = to_sql(&query, None, dialect);
            let filter = sql.lines().find(|l| l.starts_with("WHERE ")).unwrap();
            assert!(
                !filter.ends_with("TRUE") && !filter.ends_with("FALSE"),
                "{sql}"
            );
            if matches!(def.sql, Sql::Field | Sql::ReadOnly) {
                assert!(filter.contains(&name), "{dialect:?}: {sql}");
            }
        }
        assert!(!column.label().is_empty());
    }
}

/// What a facet counts is what filtering to that value selects.
#[test]
fn facet_counts_agree_with_the_filter() {
    let store = sample_store();
    let order = time_order(&store);
    for column in facets() {
        let Value::Ids(ids) = column.def().value else {
            unreachable!("facets count ids");
        };
        let counted = facet(&store, &order, column, usize::MAX);
        assert!(counted.values.len() > 1, "{} has values", column.field());
        let mut rows_by_id = vec![Vec::new(); ids.count(&store)];
        for &index in &order {
            rows_by_id[ids.id(&store, &store.rows[index as usize]) as usize].push(index);
        }
        rows_by_id.iter_mut().for_each(|rows| rows.sort_unstable());
        let present = (0..rows_by_id.len() as u32)
            .filter(|&id| !rows_by_id[id as usize].is_empty() && Some(id) != ids.absent());
        let mut expected: Vec<(String, u32)> = present
            .clone()
            .map(|id| (ids.text(&store, id), rows_by_id[id as usize].len() as u32))
            .collect();
        let mut listed: Vec<(String, u32)> = counted
            .values
            .iter()
            .map(|v| (v.value.clone(), v.count))
            .collect();
        expected.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, expected, "{}", column.field());
        assert_eq!(counted.distinct as usize, expected.len());
        for id in present {
            let text = ids.text(&store, id);
            let query = parse(&equals(column, &text)).unwrap();
            let selected = count(&store, &order, &query);
            // Principals and kinds also match by group and label: a superset.
            let holding = &rows_by_id[id as usize];
            let all_in = holding.iter().all(|i| selected.binary_search(i).is_ok());
            assert!(all_in, "{query}");
            if matches!(ids, Ids::Text(_) | Ids::ReadOnly) {
                let same = |i: &u32| {
                    let other = ids.id(&store, &store.rows[*i as usize]);
                    ids.text(&store, other).eq_ignore_ascii_case(&text)
                };
                assert!(selected.iter().all(same), "{query}");
            }
        }
    }
}

/// A text column's accessor reads the CloudTrail field the column names.
#[test]
fn text_columns_read_their_own_field() {
    let store = sample_store();
    let mut reader = store.raw_reader();
    for (index, row) in store.rows.iter().enumerate() {
        let event: serde_json::Value = serde_json::from_slice(reader.json(row)).unwrap();
        for def in &COLUMNS {
            if let Value::Ids(Ids::Text(_)) = def.value {
                let raw = event.get(def.field).and_then(|v| v.as_str()).unwrap_or("");
                assert_eq!(
                    def.column.text(&store, row),
                    raw,
                    "{} of {index}",
                    def.field
                );
            }
        }
    }
}

#[test]
fn table_and_csv_cells_read_the_registry() {
    let store = sample_store();
    let row = crate::query::view::table_row(&store, 0);
    for def in &COLUMNS {
        assert_eq!(
            row.text(def.column),
            def.column.text(&store, &store.rows[0])
        );
    }
    let csv = crate::query::export::events_csv(&store, &[0]);
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "eventTime,eventSource,eventName,awsRegion,sourceIPAddress,principal,\
             principalKind,recipientAccountId,errorCode,userAgent"
    );
    assert_eq!(service_name("s3.amazonaws.com"), "s3");
    assert_eq!(spaced_time("2024-05-01T10:00:00Z"), "2024-05-01 10:00:00Z");
}
