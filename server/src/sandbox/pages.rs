//! What the sandboxes send a browser other than JSON: the small HTML pages of consent and
//! error screens, redirects (and building their query), `Cross-Origin-Opener-Policy` (on a
//! consent page's routes while the provider's `coop` setting is on: [`coop_while_set`]), and
//! empty answers.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::MethodRouter;

use super::control::HasCore;
use crate::http_util::no_store;

/// 302 to `location`; a location that cannot be a header value becomes a 400 page.
pub fn found(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            no_store(response)
        }
        Err(_) => html_page(
            StatusCode::BAD_REQUEST,
            "Sandbox",
            "Invalid redirect",
            "<p>The redirect address contains characters that cannot be sent.</p>",
        ),
    }
}

/// query and moving a fragment, if present, back to the end.
pub fn append_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let (base, fragment) = match uri.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (uri, None),
    };
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        serializer.append_pair(key, value);
    }
    let query = serializer.finish();
    let separator = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    let mut out = format!("{base}{separator}{query}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// An absolute http(s) URL without whitespace or control characters: the only kind of
/// address the sandbox will redirect a browser to.
pub fn is_http_url(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    matches!(rest, Some(rest) if !rest.is_empty() && !rest.starts_with('/'))
        && !uri.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `<input type="hidden">` for each pair, escaped.
pub fn hidden_inputs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| {
            format!(
                r#"<input type="hidden" name="{}" value="{}">"#,
                escape_html(name),
                escape_html(value)
            )
        })
        .collect()
}

/// A 400 page saying `message` (escaped here) under `heading`.
pub fn error_page(brand: &str, heading: &str, message: &str) -> Response {
    html_page(
        StatusCode::BAD_REQUEST,
        brand,
        heading,
        &format!("<p>{}</p>", escape_html(message)),
    )
}

/// A small self-contained page: `brand` in the title and header, a visible sandbox banner.
/// `body` is trusted HTML; callers escape what came from the request.
pub fn html_page(status: StatusCode, brand: &str, heading: &str, body: &str) -> Response {
    let brand = escape_html(brand);
    let heading = escape_html(heading);
    let page = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{brand} · {heading}</title>
<style>
  body {{ font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }}
  .sandbox {{ background: #ffd84d; color: #3b2f00; text-align: center; font-weight: 600; font-size: 12px; letter-spacing: .06em; padding: 4px; }}
  main {{ max-width: 360px; margin: 24px auto; background: #fff; border-radius: 10px; padding: 20px 22px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
  header {{ font-weight: 700; font-size: 20px; margin-bottom: 4px; }}
  h1 {{ font-size: 17px; margin: 6px 0 14px; font-weight: 600; }}
  .muted {{ color: #5b6475; font-size: 13px; }}
  .buttons {{ display: flex; gap: 10px; margin-top: 18px; }}
  button {{ flex: 1; font: inherit; padding: 9px 12px; border-radius: 6px; border: 1px solid #b9c0cc; background: #fff; cursor: pointer; }}
  button.primary {{ background: #1f6feb; border-color: #1f6feb; color: #fff; font-weight: 600; }}
  select {{ font: inherit; width: 100%; padding: 6px; }}
  code {{ word-break: break-all; background: #eef0f4; padding: 1px 4px; border-radius: 4px; }}
  ul {{ padding-left: 20px; }}
</style>
</head>
<body>
<div class="sandbox">SANDBOX · offline test server, not the real {brand}</div>
<main>
<header>{brand}</header>
<h1>{heading}</h1>
{body}
</main>
</body>
</html>
"#
    );
    let mut response = (status, Html(page)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds `Cross-Origin-Opener-Policy: same-origin` when `on`. A page sent with it is put in a
/// browsing context group of its own, so the window that opened it as a popup loses its handle
/// (`window.opener` is null, `popup.closed` reads true), as with providers that send it.
pub fn with_coop(mut response: Response, on: bool) -> Response {
    if on {
        response.headers_mut().insert(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
    }
    response
}

/// Reads a provider's `coop` setting.
pub type CoopSetting<P> = fn(&<P as HasCore>::Settings) -> bool;

/// A consent page's `routes` with the COOP header on every answer (the page, its form's decision,
/// the error and deny pages, the redirects) while the provider's `coop` setting is on, as a
/// provider sending it site-wide would.
pub fn coop_while_set<P: HasCore>(
    routes: MethodRouter<Arc<P>>,
    state: &Arc<P>,
    coop: CoopSetting<P>,
) -> MethodRouter<Arc<P>> {
    routes.route_layer(from_fn_with_state((state.clone(), coop), coop_layer::<P>))
}

async fn coop_layer<P: HasCore>(
    State((p, coop)): State<(Arc<P>, CoopSetting<P>)>,
    request: Request,
    next: Next,
) -> Response {
    let on = coop(&p.core().settings.get());
    with_coop(next.run(request).await, on)
}

/// An empty-bodied response with a status, for the rare cases where providers send nothing.
pub fn empty(status: StatusCode) -> Response {
    (status, Body::empty()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_query_handles_existing_query_and_fragment() {
        assert_eq!(
            append_query("http://a/cb", &[("token", "x y"), ("user_id", "1")]),
            "http://a/cb?token=x+y&user_id=1"
        );
        assert_eq!(
            append_query("http://a/cb?app=1", &[("t", "&=")]),
            "http://a/cb?app=1&t=%26%3D"
        );
        assert_eq!(
            append_query("http://a/cb?", &[("t", "1")]),
            "http://a/cb?t=1"
        );
        assert_eq!(
            append_query("http://a/cb#f", &[("t", "1")]),
            "http://a/cb?t=1#f"
        );
    }
}
