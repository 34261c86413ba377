//! The webview's lock-down, read from the files that govern it: the CSP in `tauri.conf.json`
//! forbids remote and inline script, the front end is served from the app itself, and the
//! capability set — the file we write and the set tauri-build generated from it into this
//! build's `OUT_DIR` (the one compiled into the app) — grants only the app's own commands, event
//! listening and the notification plugin.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The CSP as directive → sources, whether the config writes it as a string or an object.
fn directives(csp: &Value) -> BTreeMap<String, Vec<String>> {
    let split = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    match csp {
        Value::String(s) => s
            .split(';')
            .filter_map(|d| {
                let mut it = d.split_whitespace();
                let name = it.next()?.to_ascii_lowercase();
                Some((name, it.map(str::to_owned).collect()))
            })
            .collect(),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| {
                let sources = match v {
                    Value::String(s) => split(s),
                    Value::Array(a) => a.iter().filter_map(Value::as_str).flat_map(split).collect(),
                    other => panic!("CSP directive {k}: unexpected {other}"),
                };
                (k.to_ascii_lowercase(), sources)
            })
            .collect(),
        other => panic!("the CSP must be set (a string or an object), found {other}"),
    }
}

/// Why a script source is not acceptable, if it is not.
fn bad_script_source(src: &str) -> Option<&'static str> {
    let s = src.to_ascii_lowercase();
    match s.as_str() {
        "'self'" | "'none'" | "'wasm-unsafe-eval'" => None,
        "'unsafe-inline'" => Some("allows inline script"),
        "'unsafe-eval'" => Some("allows eval"),
        "'unsafe-hashes'" => Some("allows inline event handlers"),
        "'strict-dynamic'" => Some("trusts scripts loaded by scripts"),
        _ if s.starts_with("'sha256-")
            || s.starts_with("'sha384-")
            || s.starts_with("'sha512-") =>
        {
            None
        }
        _ if s.starts_with("'nonce-") => None,
        _ if s.contains('*') => Some("a wildcard source"),
        _ if s.starts_with("http:")
            || s.starts_with("https:")
            || s.starts_with("ws:")
            || s.starts_with("wss:") =>
        {
            Some("a remote source")
        }
        "data:" | "blob:" | "filesystem:" => Some("script from data, blob or filesystem URLs"),
        _ => Some("a host or scheme source (remote script)"),
    }
}

fn check_csp(name: &str, csp: &Value) {
    let d = directives(csp);
    let script = d
        .get("script-src")
        .or_else(|| d.get("default-src"))
        .unwrap_or_else(|| panic!("{name}: neither script-src nor default-src is set"));
    assert!(!script.is_empty(), "{name}: empty script-src");
    for directive in [
        "default-src",
        "script-src",
        "script-src-elem",
        "script-src-attr",
        "worker-src",
    ] {
        for src in d.get(directive).into_iter().flatten() {
            if let Some(why) = bad_script_source(src) {
                panic!("{name}: {directive} {src}: {why}");
            }
        }
    }
    assert_eq!(
        d.get("object-src").map(Vec::as_slice),
        Some(&["'none'".to_owned()][..]),
        "{name}: object-src"
    );
    let base = d.get("base-uri").map(Vec::as_slice).unwrap_or_default();
    assert!(
        base == ["'none'"] || base == ["'self'"],
        "{name}: base-uri {base:?}"
    );
}

#[test]
fn the_csp_forbids_remote_and_inline_script() {
    let conf = read_json(&manifest_dir().join("tauri.conf.json"));
    let security = &conf["app"]["security"];
    check_csp("csp", &security["csp"]);
    if !security["devCsp"].is_null() {
        check_csp("devCsp", &security["devCsp"]);
    }
    for key in [
        "dangerousDisableAssetCspModification",
        "dangerousUseHttpScheme",
    ] {
        assert!(
            security[key].is_null() || security[key] == Value::Bool(false),
            "app.security.{key} is set"
        );
    }
    // The front end ships inside the app: a remote frontendDist would be remote script.
    let dist = conf["build"]["frontendDist"]
        .as_str()
        .expect("frontendDist is a path");
    assert!(!dist.contains("://"), "frontendDist {dist} is a URL");
    // No window navigates to a remote page.
    for w in conf["app"]["windows"].as_array().into_iter().flatten() {
        if let Some(url) = w["url"].as_str() {
            assert!(!url.contains("://"), "window {} opens {url}", w["label"]);
        }
    }
}

/// Each capability's permissions must be the app's own `allow-<command>` (as tauri-build
/// declared them from `build.rs`) or one of these.
const ALLOWED_OTHERS: &[&str] = &[
    "core:event:allow-listen",
    "core:event:allow-unlisten",
    "notification:default",
];

fn check_capabilities(name: &str, caps: &[Value], app_acl: &Value) {
    assert_eq!(
        caps.len(),
        1,
        "{name}: exactly one capability, found {}",
        caps.len()
    );
    let cap = &caps[0];
    assert!(
        cap["remote"].is_null(),
        "{name}: grants remote URLs {}",
        cap["remote"]
    );
    assert_eq!(
        cap["windows"],
        serde_json::json!(["main"]),
        "{name}: windows"
    );
    assert!(
        cap["webviews"].as_array().is_none_or(|w| w.is_empty()),
        "{name}: webviews {}",
        cap["webviews"]
    );
    if !cap["local"].is_null() {
        assert_eq!(cap["local"], Value::Bool(true), "{name}: local");
    }
    let perms = cap["permissions"].as_array().expect("permissions");
    assert!(!perms.is_empty());
    for p in perms {
        let id = p
            .as_str()
            .unwrap_or_else(|| panic!("{name}: a scoped permission {p}"));
        if ALLOWED_OTHERS.contains(&id) {
            continue;
        }
        let cmd = id
            .strip_prefix("allow-")
            .filter(|_| !id.contains(':'))
            .unwrap_or_else(|| panic!("{name}: permission {id} is not one of ours"));
        let def = &app_acl["permissions"][id];
        assert_eq!(
            def["commands"]["allow"],
            serde_json::json!([cmd.replace('-', "_")]),
            "{name}: {id} must allow exactly the app command of its name"
        );
        assert_eq!(
            def["commands"]["deny"],
            serde_json::json!([]),
            "{name}: {id}"
        );
        assert!(
            def["scope"].is_null() || def["scope"] == serde_json::json!({}),
            "{name}: {id} has a scope"
        );
    }
}

fn capability_list(v: &Value) -> Vec<Value> {
    match v {
        // tauri-build writes a map of identifier → capability.
        Value::Object(m) if m.contains_key("permissions") => vec![v.clone()],
        Value::Object(m) => m.values().cloned().collect(),
        Value::Array(a) => a.clone(),
        other => panic!("unexpected capability file {other}"),
    }
}

#[test]
fn the_capabilities_allow_only_our_commands_events_and_notifications() {
    let out = PathBuf::from(env!("OUT_DIR"));
    let acl = read_json(&out.join("acl-manifests.json"));
    let app_acl = &acl["__app-acl__"];
    assert!(app_acl.is_object(), "tauri-build declared no app commands");
    // Only our own command set and the plugins we use are known to the build at all.
    let known: Vec<&str> = acl
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in &known {
        assert!(
            *k == "__app-acl__" || *k == "core" || k.starts_with("core:") || *k == "notification",
            "an unexpected plugin's permissions are compiled in: {k}"
        );
    }

    // The capability files we write: exactly one.
    let dir = manifest_dir().join("capabilities");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        files,
        [dir.join("default.json")],
        "one capability file, nothing else"
    );
    check_capabilities(
        "capabilities/default.json",
        &capability_list(&read_json(&files[0])),
        app_acl,
    );

    // The set tauri-build resolved and compiled into this very build.
    let generated = read_json(&out.join("capabilities.json"));
    check_capabilities(
        "OUT_DIR/capabilities.json",
        &capability_list(&generated),
        app_acl,
    );
    // And the copy it writes for tooling, when present, says the same.
    let schema_copy = manifest_dir().join("gen/schemas/capabilities.json");
    if schema_copy.exists() {
        check_capabilities(
            "gen/schemas/capabilities.json",
            &capability_list(&read_json(&schema_copy)),
            app_acl,
        );
    }

    // The app's permissions are exactly its commands: every `allow-*` in the build names one.
    let commands: Vec<String> = app_acl["permissions"]
        .as_object()
        .unwrap()
        .keys()
        .filter_map(|k| k.strip_prefix("allow-").map(|c| c.replace('-', "_")))
        .collect();
    let build_rs = std::fs::read_to_string(manifest_dir().join("build.rs")).unwrap();
    for c in &commands {
        assert!(
            build_rs.contains(&format!("\"{c}\"")),
            "{c} is not declared in build.rs"
        );
    }
}
