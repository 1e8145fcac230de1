//! The real binary, as a person or a script runs it.

use std::process::Command;

pub fn wijkwijzer(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .args(args)
        .env_remove("WIJKWIJZER_GEODATA")
        .output()
        .expect("run wijkwijzer");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn lookup_for_a_person() {
    let (code, out, err) = wijkwijzer(&["lookup", "50°51'05\"N", "5°41'28\"E"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Read as    degrees, minutes, seconds (WGS84)"),
        "{out}"
    );
    assert!(
        out.contains("LWA        Centrum / Zuid-West [lwa-centrum-zuid-west]"),
        "{out}"
    );
    assert!(out.contains("Buurt      Binnenstad [BU09350000]"), "{out}");
    assert!(
        out.contains("Senior wijkgebonden medewerker THOR, LWA-gebied Centrum / Zuid-West"),
        "{out}"
    );
    assert!(out.contains("Coördinator politie"), "{out}");
    assert!(out.contains("generalised boundaries"), "{out}");
}

#[test]
fn lookup_json_is_the_http_answer() {
    let (code, out, _) = wijkwijzer(&["lookup", "--json", "50.8514", "5.6910"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["lwa"]["id"], "lwa-centrum-zuid-west");
    assert_eq!(v["buurt"]["code"], "BU09350000");
    assert_eq!(v["position"], "inside");
    // RD New pairs are recognised by their range.
    let (code, out, _) = wijkwijzer(&["lookup", "--json", "176395 317996"]);
    assert_eq!(code, 0);
    let rd: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rd["point"]["rd"]["x"], 176395.0);
    assert_eq!(rd["lwa"]["id"], "lwa-centrum-zuid-west");
    let (code, out, _) = wijkwijzer(&[
        "lookup",
        "--json",
        "--crs",
        "EPSG:3857",
        "633174.1",
        "6594609.3",
    ]);
    assert_eq!(code, 0);
    let m: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(m["buurt"]["name"], "Binnenstad");
}

#[test]
fn outside_exits_1_and_bad_input_exits_2_with_a_message() {
    let (code, out, _) = wijkwijzer(&["lookup", "50.8466,4.3528"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("outside coverage") && out.contains("Noord-West"),
        "{out}"
    );
    // Free text decides the order from the ranges, and says so.
    let (code, out, _) = wijkwijzer(&["lookup", "5.6910,50.8514"]);
    assert_eq!(code, 0);
    assert!(out.contains("given as lon, lat: turned round"), "{out}");
    let (code, out, err) = wijkwijzer(&["lookup", "91,191"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("neither degrees"), "{err}");
    let (code, _, err) = wijkwijzer(&["lookup", "50 # 5"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read '50 # 5'") && err.contains("'#'"),
        "{err}"
    );
    let (code, _, err) = wijkwijzer(&["lookup", "Brusselsepoort 0"]);
    assert_eq!(code, 2);
    assert!(err.contains("house number '0' is not 1 to 99999"), "{err}");
    let (code, _, err) = wijkwijzer(&["lookup", "--crs", "EPSG:1", "1", "2"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown CRS"), "{err}");
}

#[test]
fn check_the_embedded_data() {
    let (code, out, err) = wijkwijzer(&["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("is valid"), "{out}");
    assert!(out.contains("buurt") && out.contains("44 areas"), "{out}");
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .args(["situations"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end at once, as `| head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0));
}

/// Issue 24, 15: a limit of 0 would leave a service that answers nothing while `/readyz` says
/// ready: refused at start, naming the option.
#[test]
fn limits_of_zero_are_refused_at_start() {
    for (flag, env) in [
        ("--max-concurrent", "WIJKWIJZER_MAX_CONCURRENT"),
        ("--max-classify-mib", "WIJKWIJZER_MAX_CLASSIFY_MIB"),
        ("--timeout-secs", "WIJKWIJZER_TIMEOUT_SECS"),
    ] {
        let (code, _, err) = wijkwijzer(&["serve", flag, "0", "--print-config"]);
        assert_eq!(code, 2, "{flag}: {err}");
        assert!(err.contains(flag), "{err}");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
            .args(["serve", "--print-config"])
            .env(env, "0")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{env}");
    }
}
