//! Formula errors: what they name, where they point, and parameters left blank or unused.

use super::*;

#[test]
fn errors_name_the_problem_and_place() {
    let e = err("x' = sinn(a*y); y' = y");
    assert_eq!((e.line, e.column, e.span.clone()), (1, 6, 5..9));
    assert!(e.to_string().contains("did you mean sin"), "{e}");
    let e = err("x' = y\ny' = xx");
    assert_eq!((e.line, e.column), (2, 6));
    assert!(e.to_string().contains("unknown name `xx`"), "{e}");
    assert!(matches!(
        err("x' = y").kind,
        ErrorKind::MissingCoordinate { name: "y'" }
    ));
    assert!(matches!(
        err("").kind,
        ErrorKind::MissingCoordinate { name: "x'" }
    ));
    assert!(matches!(
        err("x' = 1; x' = 2; y' = 0").kind,
        ErrorKind::AssignedTwice { .. }
    ));
    assert!(matches!(
        err("a = 1; x' = a; y' = 0").kind,
        ErrorKind::ReadOnly { .. }
    ));
    assert!(matches!(
        err("x = 1; x' = 1; y' = 0").kind,
        ErrorKind::ReadOnly { .. }
    ));
    assert!(matches!(
        err("sin = 1; x' = 1; y' = 0").kind,
        ErrorKind::ReadOnly { .. }
    ));
    assert!(matches!(
        err("t = 1; t = 2; x' = 1; y' = 0").kind,
        ErrorKind::AssignedTwice { .. }
    ));
    assert!(matches!(
        err("x' = y'; y' = 0").kind,
        ErrorKind::UsedBeforeAssigned { .. }
    ));
    assert!(matches!(
        err("w' = 1; x' = 1; y' = 0").kind,
        ErrorKind::OnlyCoordinatesPrimed { .. }
    ));
    assert!(matches!(
        err("x' = t; t = 1; y' = 0").kind,
        ErrorKind::UnknownName { .. }
    ));
    assert!(matches!(
        err("x' = atan2(y); y' = 0").kind,
        ErrorKind::WrongArity {
            expected: 2,
            found: 1,
            ..
        }
    ));
    assert!(matches!(
        err("x' = sin; y' = 0").kind,
        ErrorKind::FunctionWithoutCall { .. }
    ));
    assert!(matches!(
        err("x' = a(2); y' = 0").kind,
        ErrorKind::NotAFunction { .. }
    ));
    assert!(matches!(
        err("x' = 1/0 + x; y' = 0").kind,
        ErrorKind::ConstantNotFinite { .. }
    ));
    assert!(matches!(
        err("x' = x + log(0); y' = 0").kind,
        ErrorKind::ConstantNotFinite { .. }
    ));
    assert!(matches!(
        err("x' = 1e39; y' = 0").kind,
        ErrorKind::BadNumber { .. }
    ));
    assert!(matches!(
        err("x' = x + 1e-50; y' = 0").kind,
        ErrorKind::NumberUnderflows { .. }
    ));
    // A subnormal float32 is still a number, and so is 0 written any way.
    assert!(UserMap::parse("x' = x + 1e-40 + 0.0e-99; y' = 0").is_ok());
    assert!(matches!(
        err("x' = +x; y' = 0").kind,
        ErrorKind::Unsupported { .. }
    ));
    let e = err("x' = (x + 1; y' = 0");
    assert_eq!(
        e.kind,
        ErrorKind::Expected {
            expected: "`)`".into(),
            found: "the end of the statement".into()
        }
    );
    let e = err("x' = x +; y' = 0");
    assert_eq!(e.span, 8..9);
    assert!(e.to_string().contains("expected a number, a name"), "{e}");
    let e = err("x' = x y; y' = 0");
    assert!(e.to_string().contains("expected an operator"), "{e}");
    let long = format!("x' = {}; y' = 0", "x+".repeat(3000));
    assert!(matches!(err(&long).kind, ErrorKind::TooLong { .. }));
    let deep = format!("x' = {}x{}; y' = 0", "(".repeat(70), ")".repeat(70));
    assert!(matches!(err(&deep).kind, ErrorKind::TooDeep { max: 64 }));
    let deep = format!("x' = {}x; y' = 0", "-".repeat(70));
    assert!(matches!(err(&deep).kind, ErrorKind::TooDeep { .. }));
    let ok = format!("x' = {}x{}; y' = 0", "(".repeat(60), ")".repeat(60));
    map(&ok);
}

#[test]
fn render_points_a_caret_at_the_problem() {
    let text = "x' = sinn(a*y) + c*cos(a*x); y' = sin(b*x) + d*cos(b*y)";
    let e = err(text);
    assert_eq!(
        e.render(
            text,
            Origin::File {
                path: "my.atr",
                line: 12,
                column: 9
            }
        ),
        "my.atr:12:14: unknown function `sinn`; did you mean sin, sinh, sign?\n  \
         x' = sinn(a*y) + c*cos(a*x); y' = sin(b*x) + d*cos(b*y)\n       ^^^^"
    );
    let text = "x' = y\ny' = x +";
    let e = err(text);
    assert_eq!(
        e.render(text, Origin::Flag("--formula")),
        "--formula:2:9: expected a number, a name, a function call or `(`, found the end of \
         the formula\n  y' = x +\n          ^"
    );
    // Long lines are cut around the caret.
    let text = format!(
        "x' = {}qq{}; y' = 0",
        "x + ".repeat(100),
        " + y".repeat(100)
    );
    let r = err(&text).render(&text, Origin::Flag("--formula"));
    let lines: Vec<&str> = r.lines().collect();
    assert!(
        lines[1].starts_with("  ...") && lines[1].ends_with("..."),
        "{r}"
    );
    let caret = lines[2].find('^').unwrap();
    assert_eq!(&lines[1][caret..caret + 2], "qq", "{r}");
}

#[test]
fn params_filled_and_blank() {
    let m = map("x' = sin(a*y) + c; y' = x");
    assert_eq!(m.param_names_used(), vec!['a', 'c']);
    assert!(
        m.check_params([true, false, true, false, false, false, false])
            .is_ok()
    );
    let e = m.check_params([true; 7].map(|_| false)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ParamBlank { name: 'a' });
    assert_eq!(e.column, 10);
    let e = m
        .check_params([true, true, true, false, false, false, false])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::ParamUnused { name: 'b' });
}
