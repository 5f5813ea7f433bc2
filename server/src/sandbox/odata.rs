//! The slice of OData v4 that PerfectGym's v2 API is used with: `$filter` comparisons joined
//! with `and`, `$orderby`, `$top`, `$skip`, `$count=true` and `$expand`, over rows that are
//! JSON objects. Anything else is refused with a 400 rather than silently ignored, so a client
//! never mistakes an unsupported query for an empty result.

use std::cmp::Ordering;

use serde_json::{json, Map, Value};

use super::dates::parse_timestamp;

/// Rows per answer when the client sets no `$top` (and at most, when it does).
pub const MAX_PAGE: usize = 500;
const MAX_CLAUSES: usize = 16;
const MAX_ORDER_KEYS: usize = 4;
const MAX_OPTION_LEN: usize = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Number,
    Bool,
    /// An ISO 8601 string in the row; unquoted `2025-11-22T19:33:10Z` in a filter.
    DateTime,
    /// Quoted `'text'` in a filter; only `eq` and `ne`.
    Text,
}

/// A filterable, sortable property; names match case-insensitively, as PerfectGym's do.
#[derive(Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
}

impl Field {
    pub const fn new(name: &'static str, kind: Kind) -> Self {
        Field { name, kind }
    }
}

/// A refused query: which option and why.
#[derive(Debug, PartialEq, Eq)]
pub struct QueryError {
    pub property: String,
    pub message: String,
}

impl QueryError {
    fn new(property: &str, message: impl Into<String>) -> Self {
        QueryError {
            property: property.to_string(),
            message: message.into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, PartialEq)]
enum Literal {
    Number(i64),
    Bool(bool),
    Time(i64),
    Text(String),
}

struct Clause {
    field: &'static str,
    op: Op,
    value: Literal,
}

/// A parsed query, ready to filter, sort and page rows.
pub struct Query {
    clauses: Vec<Clause>,
    order: Vec<(&'static str, bool)>,
    top: Option<usize>,
    skip: usize,
    count: bool,
    expand: Vec<&'static str>,
    /// The original options, to build `@odata.nextLink` from.
    options: Vec<(String, String)>,
}

impl Query {
    /// Reads the query string; `expandable` lists the navigation properties `$expand` accepts.
    pub fn parse(
        raw_query: Option<&str>,
        fields: &[Field],
        expandable: &[&'static str],
    ) -> Result<Query, QueryError> {
        let options: Vec<(String, String)> =
            form_urlencoded::parse(raw_query.unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let mut query = Query {
            clauses: Vec::new(),
            order: Vec::new(),
            top: None,
            skip: 0,
            count: false,
            expand: Vec::new(),
            options: Vec::new(),
        };
        for (name, value) in &options {
            if value.len() > MAX_OPTION_LEN {
                return Err(QueryError::new(name, "The query option is too long."));
            }
            match name.as_str() {
                "$filter" => query.clauses = parse_filter(value, fields)?,
                "$orderby" => query.order = parse_orderby(value, fields)?,
                "$top" => query.top = Some(parse_count(name, value)?),
                "$skip" => query.skip = parse_count(name, value)?,
                "$count" => {
                    query.count = match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(QueryError::new(name, "$count must be true or false.")),
                    }
                }
                "$expand" => {
                    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        let known = expandable
                            .iter()
                            .find(|e| e.eq_ignore_ascii_case(item))
                            .ok_or_else(|| {
                                QueryError::new(
                                    name,
                                    format!("Property '{item}' cannot be expanded."),
                                )
                            })?;
                        query.expand.push(known);
                    }
                }
                other if other.starts_with('$') => {
                    return Err(QueryError::new(
                        other,
                        format!("The query option '{other}' is not supported."),
                    ))
                }
                // Non-OData parameters are not ours to judge.
                _ => {}
            }
        }
        query.options = options;
        Ok(query)
    }

    pub fn expands(&self, name: &str) -> bool {
        self.expand.contains(&name)
    }

    fn matches(&self, row: &Value) -> bool {
        self.clauses.iter().all(|clause| {
            let value = row.get(clause.field).unwrap_or(&Value::Null);
            let ordering = match (&clause.value, value) {
                (Literal::Number(n), Value::Number(v)) => v.as_i64().map(|v| v.cmp(n)),
                (Literal::Bool(b), Value::Bool(v)) => Some(v.cmp(b)),
                (Literal::Time(t), Value::String(v)) => parse_timestamp(v).map(|v| v.cmp(t)),
                (Literal::Text(t), Value::String(v)) => Some(v.as_str().cmp(t.as_str())),
                _ => None,
            };
            ordering.is_some_and(|o| match clause.op {
                Op::Eq => o == Ordering::Equal,
                Op::Ne => o != Ordering::Equal,
                Op::Gt => o == Ordering::Greater,
                Op::Ge => o != Ordering::Less,
                Op::Lt => o == Ordering::Less,
                Op::Le => o != Ordering::Greater,
            })
        })
    }

    /// Filters, sorts and pages `rows` into `{"value", "@odata.count"?, "@odata.nextLink"?}`;
    /// `self_url` is the absolute address of the collection, for the next link.
    pub fn answer(&self, rows: impl Iterator<Item = Value>, self_url: &str) -> Value {
        let mut matching: Vec<Value> = rows.filter(|row| self.matches(row)).collect();
        if !self.order.is_empty() {
            matching.sort_by(|a, b| {
                self.order
                    .iter()
                    .map(|(field, desc)| {
                        let o = compare(a.get(*field), b.get(*field));
                        if *desc {
                            o.reverse()
                        } else {
                            o
                        }
                    })
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            });
        }
        let total = matching.len();
        let page_size = self.top.unwrap_or(MAX_PAGE).min(MAX_PAGE);
        let page: Vec<Value> = matching
            .into_iter()
            .skip(self.skip)
            .take(page_size)
            .collect();
        let next_skip = self.skip.saturating_add(page.len());
        let wanted_more = self.top.is_none_or(|top| top > page_size);
        let mut out = Map::new();
        if self.count {
            out.insert("@odata.count".into(), json!(total));
        }
        out.insert("value".into(), Value::Array(page));
        if next_skip < total && wanted_more && page_size > 0 {
            out.insert(
                "@odata.nextLink".into(),
                json!(self.next_link(self_url, next_skip, page_size)),
            );
        }
        Value::Object(out)
    }

    fn next_link(&self, self_url: &str, next_skip: usize, page_size: usize) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.options {
            if name != "$skip" && name != "$top" {
                serializer.append_pair(name, value);
            }
        }
        if let Some(top) = self.top {
            serializer.append_pair("$top", &(top - page_size).to_string());
        }
        serializer.append_pair("$skip", &next_skip.to_string());
        format!("{self_url}?{}", serializer.finish())
    }
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(a)), Some(Value::Number(b))) => a
            .as_f64()
            .partial_cmp(&b.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(a)), Some(Value::String(b))) => {
            match (parse_timestamp(a), parse_timestamp(b)) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => a.cmp(b),
            }
        }
        (Some(Value::Bool(a)), Some(Value::Bool(b))) => a.cmp(b),
        _ => Ordering::Equal,
    }
}

fn parse_count(name: &str, value: &str) -> Result<usize, QueryError> {
    value
        .trim()
        .parse::<usize>()
        .map_err(|_| QueryError::new(name, format!("{name} must be a non-negative integer.")))
}

fn field<'f>(fields: &'f [Field], name: &str, option: &str) -> Result<&'f Field, QueryError> {
    fields
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            QueryError::new(
                option,
                format!("Property '{name}' is not supported in {option}."),
            )
        })
}

fn parse_orderby(value: &str, fields: &[Field]) -> Result<Vec<(&'static str, bool)>, QueryError> {
    let mut order = Vec::new();
    for key in value.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        if order.len() == MAX_ORDER_KEYS {
            return Err(QueryError::new("$orderby", "Too many sort keys."));
        }
        let mut words = key.split_whitespace();
        let name = words.next().unwrap_or("");
        let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(_) => return Err(QueryError::new("$orderby", "Expected asc or desc.")),
        };
        if words.next().is_some() {
            return Err(QueryError::new("$orderby", "Expected asc or desc."));
        }
        order.push((field(fields, name, "$orderby")?.name, desc));
    }
    Ok(order)
}

/// Splits a filter into words, keeping `'quoted text'` (with `''` for a quote) as one word.
fn tokens(filter: &str) -> Result<Vec<String>, QueryError> {
    let mut out = Vec::new();
    let mut chars = filter.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '\'' {
            chars.next();
            let mut text = String::from("'");
            loop {
                match chars.next() {
                    Some('\'') if chars.peek() == Some(&'\'') => {
                        chars.next();
                        text.push('\'');
                    }
                    Some('\'') => break,
                    Some(c) => text.push(c),
                    None => return Err(QueryError::new("$filter", "Unterminated string.")),
                }
            }
            out.push(text);
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
            out.push(word);
        }
    }
    Ok(out)
}

fn parse_filter(filter: &str, fields: &[Field]) -> Result<Vec<Clause>, QueryError> {
    let words = tokens(filter)?;
    let unsupported = || {
        QueryError::new(
            "$filter",
            format!(
                "The filter '{filter}' is not supported: use comparisons (eq, ne, gt, ge, lt, le) joined with 'and'."
            ),
        )
    };
    let mut clauses = Vec::new();
    let mut rest = words.as_slice();
    loop {
        let [name, op, value, tail @ ..] = rest else {
            return Err(unsupported());
        };
        if clauses.len() == MAX_CLAUSES {
            return Err(QueryError::new("$filter", "Too many conditions."));
        }
        let field = field(fields, name, "$filter")?;
        let op = match op.to_ascii_lowercase().as_str() {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            _ => return Err(unsupported()),
        };
        let literal = match field.kind {
            Kind::Number => value.parse().ok().map(Literal::Number),
            Kind::Bool => match value.as_str() {
                "true" => Some(Literal::Bool(true)),
                "false" => Some(Literal::Bool(false)),
                _ => None,
            },
            Kind::DateTime => parse_timestamp(value.trim_matches('\'')).map(Literal::Time),
            Kind::Text => value
                .strip_prefix('\'')
                .map(|text| Literal::Text(text.to_string())),
        };
        let Some(literal) = literal else {
            return Err(QueryError::new(
                "$filter",
                format!("'{value}' is not a valid value for {}.", field.name),
            ));
        };
        let ordered = matches!(field.kind, Kind::Number | Kind::DateTime);
        if !ordered && !matches!(op, Op::Eq | Op::Ne) {
            return Err(QueryError::new(
                "$filter",
                format!("{} supports only eq and ne.", field.name),
            ));
        }
        clauses.push(Clause {
            field: field.name,
            op,
            value: literal,
        });
        match tail {
            [] => return Ok(clauses),
            [and, more @ ..] if and.eq_ignore_ascii_case("and") => rest = more,
            _ => return Err(unsupported()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[Field] = &[
        Field::new("id", Kind::Number),
        Field::new("isDeleted", Kind::Bool),
        Field::new("startDate", Kind::DateTime),
        Field::new("email", Kind::Text),
    ];

    fn rows() -> impl Iterator<Item = Value> {
        (1..=20).map(|id| {
            json!({
                "id": id,
                "isDeleted": id % 5 == 0,
                "startDate": format!("2025-11-{id:02}T10:00:00Z"),
                "email": format!("m{id}@x.test"),
            })
        })
    }

    fn ids(answer: &Value) -> Vec<i64> {
        answer["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    }

    #[test]
    fn filters_sort_and_page() {
        let q = Query::parse(
            Some("$filter=isDeleted eq false and startdate gt 2025-11-15T00:00:00Z&$orderby=startDate desc&$top=3&$count=true"),
            FIELDS,
            &[],
        )
        .unwrap();
        let answer = q.answer(rows(), "http://h/Members");
        assert_eq!(ids(&answer), vec![19, 18, 17]);
        assert_eq!(answer["@odata.count"], 4);
        assert!(answer.get("@odata.nextLink").is_none());

        let q = Query::parse(Some("$filter=email eq 'm7@x.test'"), FIELDS, &[]).unwrap();
        assert_eq!(ids(&q.answer(rows(), "u")), vec![7]);
        let q = Query::parse(Some("$filter=id le 3"), FIELDS, &[]).unwrap();
        assert_eq!(ids(&q.answer(rows(), "u")), vec![1, 2, 3]);
    }

    #[test]
    fn refuses_what_it_does_not_support() {
        for bad in [
            "$filter=isDeleted eq false or id eq 1",
            "$filter=name eq 'x'",
            "$filter=id eq",
            "$filter=email gt 'a'",
            "$filter=id eq 'x'",
            "$filter=email eq 'open",
            "$orderby=id sideways",
            "$top=-1",
            "$expand=classType",
            "$select=id",
        ] {
            assert!(Query::parse(Some(bad), FIELDS, &[]).is_err(), "{bad}");
        }
    }

    #[test]
    fn next_link_keeps_the_options() {
        let q = Query::parse(Some("$filter=id gt 2&$top=15"), FIELDS, &[]).unwrap();
        let all: Vec<Value> = (1..=1200).map(|id| json!({ "id": id })).collect();
        let answer = q.answer(all.clone().into_iter(), "http://h/Members");
        assert_eq!(ids(&answer).len(), 15);
        assert!(answer.get("@odata.nextLink").is_none());
        let q = Query::parse(None, FIELDS, &[]).unwrap();
        let answer = q.answer(all.into_iter(), "http://h/Members");
        assert_eq!(ids(&answer).len(), MAX_PAGE);
        assert_eq!(answer["@odata.nextLink"], "http://h/Members?%24skip=500");
    }
}
