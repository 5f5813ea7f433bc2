//! sessionStorage that throws: the SDK falls back to memory for the page's lifetime, says so once
//! (a `fitconnect:storagefallback` event), and loses nothing it was writing. In its own test
//! binary because the fallback lasts for the whole page.
#![cfg(target_arch = "wasm32")]

use fitconnect::{FitRankings, PerfectGym};
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PERFECTGYM: &str = match option_env!("FITCONNECT_TEST_PERFECTGYM") {
    Some(url) => url,
    None => "http://127.0.0.1:28083",
};

fn object(pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
    }
    o.into()
}

fn run(js: &str) -> JsValue {
    Function::new_no_args(js).call0(&JsValue::NULL).unwrap()
}

fn get(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).unwrap()
}

#[wasm_bindgen_test]
async fn throwing_storage_keeps_the_session_in_memory_and_says_so_once() {
    run("sessionStorage.clear();
         window.__fallbacks = 0;
         addEventListener('fitconnect:storagefallback', () => { window.__fallbacks += 1; });
         sessionStorage.setItem('fitconnect:session:fitrankings',
           JSON.stringify({provider: 'fitrankings', accessToken: 'kept', tokenType: 'bearer', userId: '1'}));
         Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };");

    let gym = PerfectGym::new(object(&[("baseUrl", PERFECTGYM)])).unwrap();
    let session = JsFuture::from(gym.login(object(&[
        ("username", "member@perfectgym.test"),
        ("password", "gym-member-pass"),
    ])))
    .await
    .expect("the login succeeds although storage throws");
    let token = get(&session, "accessToken").as_string().unwrap();
    // The session written during the failure is kept (in memory), not lost.
    assert_eq!(get(&gym.session(), "accessToken").as_string(), Some(token));
    assert!(run("return sessionStorage.getItem('fitconnect:session:perfectgym')").is_null());
    assert_eq!(run("return window.__fallbacks").as_f64(), Some(1.0));

    // Values stored before the failure are still read.
    let fr = FitRankings::new(object(&[
        ("clientId", "c"),
        ("callbackUri", "http://127.0.0.1/cb"),
    ]))
    .unwrap();
    assert_eq!(
        get(&fr.session(), "accessToken").as_string().as_deref(),
        Some("kept")
    );

    // Removal works in the fallback too, and reads that throw change nothing more.
    gym.disconnect();
    assert!(gym.session().is_null());
    run("Storage.prototype.getItem = function () { throw new DOMException('blocked', 'SecurityError'); };");
    assert!(gym.session().is_null());
    assert_eq!(
        run("return window.__fallbacks").as_f64(),
        Some(1.0),
        "said once"
    );
}
