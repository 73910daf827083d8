//! `GET /api/companies/{company_id}/reorder-plan` on a real socket, through
//! the real binary: the body `reorder plan --format json` prints, the
//! token's company only, bad parameters 422.

use serde_json::{Value, json};

use crate::harness::{http, token};
use crate::support::{Server, Sf, argv};

/// SPEC 11's worked example (as tests/cli/plan.rs builds it): ADH-1 in Main,
/// 70 received on 02-19, then 60 sold over the 30 days before 03-31 — seven
/// days of 0, five of 1, six of 2, five of 3, seven of 4 — so 10 are left;
/// BondTech's link: lead 7, pack 12, MOQ 24, cost 11.20.
fn worked_example() -> Sf {
    let sf = Sf::acme();
    sf.supplier(1, "BondTech", "orders@bondtech.example");
    sf.run(&argv(
        "product create --company 1 --sku ADH-1 --name Adhesive --price 19.90",
    ))
    .ok();
    sf.run(&argv(
        "supplier link --sku ADH-1 --supplier 1 --primary --lead-time-days 7 --cost 11.20 --pack-size 12 --min-order 24",
    ))
    .ok();
    let mut csv = "sku,warehouse_id,delta,reason,at\nADH-1,1,70,receipt,2026-02-19\n".to_owned();
    let series = [(0, 7), (1, 5), (2, 6), (3, 5), (4, 7)]
        .iter()
        .flat_map(|&(units, days)| std::iter::repeat_n(units, days));
    for (k, units) in series.enumerate().filter(|(_, u)| *u > 0) {
        csv.push_str(&format!(
            "ADH-1,1,-{units},sale,2026-03-{:02}T12:00:00Z\n",
            30 - k
        ));
    }
    sf.cmd(&argv("stock adjust --file -"))
        .stdin(&csv)
        .output()
        .ok();
    sf
}

fn get(server: &Server, token: &str, path: &str) -> (u16, Value) {
    let (status, _, text) = http(
        &server.addr,
        "GET",
        path,
        &[("authorization", &format!("Bearer {token}"))],
        "",
    )
    .expect("answer");
    (status, serde_json::from_str(&text).expect("json"))
}

#[test]
fn the_worked_example_is_the_same_through_both_doors() {
    let sf = worked_example();
    let other = sf.company("Other");
    let t = token(&sf, 1);
    let theirs = token(&sf, other);
    let cli = sf.json(&argv(
        "reorder plan --company 1 --as-of 2026-03-31 --cover-days 14 --service-level 95",
    ));
    let line = &cli["orders"][0]["lines"][0];
    // SS 7, ROP 21, S 49, need 39 → 4 packs of 12 = 48; 48 × 11.20 = 537.60
    // (the arithmetic is in tests/cli/plan.rs).
    assert_eq!(
        (
            &line["safety_stock"],
            &line["reorder_point"],
            &line["target"],
            &line["need"],
            &line["quantity"],
            &line["line_total"]
        ),
        (
            &json!(7),
            &json!(21),
            &json!(49),
            &json!(39),
            &json!(48),
            &json!("537.60")
        )
    );
    let server = Server::start(&sf, &[]);
    let path = "/api/companies/1/reorder-plan?as_of=2026-03-31&cover_days=14&service_level=95";
    let (status, body) = get(&server, &t, path);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, cli);

    // The filters are the CLI's flags in snake case.
    let (status, body) = get(
        &server,
        &t,
        "/api/companies/1/reorder-plan?as_of=2026-03-31&supplier_id=1&warehouse_id=1&days=30",
    );
    assert_eq!((status, &body["total_lines"]), (200, &json!(1)), "{body}");

    // Another company's plan, warehouse or supplier is not found, exactly as a missing one.
    let other_w = sf.warehouse(other, "Theirs");
    let other_s = sf.supplier(other, "Theirs Co", "t@example.com");
    for (path, missing) in [
        (
            "/api/companies/1/reorder-plan".to_owned(),
            "company 1 does not exist",
        ),
        (
            format!("/api/companies/{other}/reorder-plan?warehouse_id=1"),
            "warehouse 1 does not exist",
        ),
        (
            format!("/api/companies/{other}/reorder-plan?supplier_id=1"),
            "supplier 1 does not exist",
        ),
    ] {
        let (status, body) = get(&server, &theirs, &path);
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["error"]["kind"], "not_found");
        assert_eq!(body["error"]["message"], missing, "{path}");
    }
    let (status, body) = get(
        &server,
        &theirs,
        &format!(
            "/api/companies/{other}/reorder-plan?warehouse_id={other_w}&supplier_id={other_s}"
        ),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"orders": [], "total_lines": 0}));

    // Bad parameters: 422 naming the value; an unknown one 400.
    for (query, message) in [
        (
            "service_level=100",
            "service level must be a percentage above 50 and below 100 (e.g. 95 or 99.5): 100",
        ),
        ("days=0", "days must be greater than 0: 0"),
        ("cover_days=-1", "cover days must not be negative: -1"),
        ("supplier_id=x", "x"),
    ] {
        let (status, body) = get(
            &server,
            &t,
            &format!("/api/companies/1/reorder-plan?{query}"),
        );
        assert_eq!(status, 422, "{query}: {body}");
        let got = body["error"]["message"].as_str().unwrap();
        assert!(got.contains(message), "{query}: {got}");
    }
    let (status, _) = get(&server, &t, "/api/companies/1/reorder-plan?limit=5");
    assert_eq!(status, 400);
    server.stop();
}
