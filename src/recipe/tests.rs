use super::*;
use crate::Presets;
use crate::cli::from::recipe_style;
use crate::shade::{Color, Shade, Span};

fn clifford_job() -> Job {
    let preset = Presets::builtin().get("Clifford").unwrap().clone();
    let bounds = Bounds::new(-2.1234567890123, 2.3, -1.9, 1.7000000000000002).unwrap();
    let mut job = Job::new(preset, (320, 200), bounds, 123_456, 77, 9);
    job.exact = true;
    job
}

#[test]
fn a_recipe_survives_json_bit_for_bit() {
    let job = clifford_job();
    let style = Style {
        shade: Shade::Log,
        span: Some(Span { min: 1, max: 5000 }),
        background: Color([1, 2, 3, 4]),
        ..Style::default()
    };
    let doc = Document::picture(Recipe::of(&job, 999, &style));
    let back = Document::from_json(&doc.to_json(), "t").unwrap();
    assert_eq!(back, doc);
    let r = back.into_picture("t").unwrap();
    assert_eq!(r.points, 999);
    assert_eq!(r.mode, Mode::Exact);
    assert_eq!(r.bounds().unwrap(), job.bounds);
    assert_eq!(recipe_style(&r, "t").unwrap(), style);
    let p = r.preset().unwrap();
    assert_eq!(
        (p.equation, &p.params, p.start),
        (job.preset.equation, &job.preset.params, job.preset.start)
    );
    assert_eq!(r.params_flag(), "a=-1.3,b=-1.3,c=-1.8,d=-1.9");
}

#[test]
fn a_formula_recipe_gives_back_its_formula_and_letters() {
    let mut job = clifford_job();
    let map = UserMap::parse("x' = sin(a*y) + c*x; y' = sin(b*x)").unwrap();
    job.preset.formula = Some(std::sync::Arc::new(map));
    job.preset.params = vec![1.5, -0.5, 0.25, 0.0, 0.0, 0.0, 0.0];
    let r = Recipe::of(&job, 10, &Style::default());
    assert_eq!(r.equation, "formula");
    assert_eq!(r.params.len(), 3);
    let p = r.preset().unwrap();
    assert_eq!(p.params, job.preset.params);
    assert_eq!(
        p.formula.as_ref().unwrap().text(),
        "x' = sin(a*y) + c*x; y' = sin(b*x)"
    );
    // The .atr row has the formula in the Equation column and blanks for unused letters.
    let row = r.atr_row().unwrap();
    let parsed = crate::attractor::atr::parse(
        format!("Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette\n{row}\n").as_bytes(),
        "t.atr",
    )
    .unwrap();
    assert_eq!(parsed[0].params, job.preset.params);
}

#[test]
fn unknown_and_missing_fields_are_named() {
    let doc = Document::picture(Recipe::of(&clifford_job(), 1, &Style::default()));
    let mut v: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    v["format"] = 7.into();
    v["program"] = "attractors 9.0.0".into();
    v["picture"]["glow"] = 0.5.into();
    let e = Document::from_json(&v.to_string(), "a.png")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("'glow'") && e.contains("attractors 9.0.0") && e.contains("format 7"),
        "{e}"
    );
    v["picture"].as_object_mut().unwrap().remove("glow");
    // A newer format with only known fields is read.
    assert!(Document::from_json(&v.to_string(), "a.png").is_ok());
    v["picture"].as_object_mut().unwrap().remove("seed");
    let e = Document::from_json(&v.to_string(), "a.png")
        .unwrap_err()
        .to_string();
    assert!(e.contains("lacks the field 'seed'"), "{e}");
    let e = Document::from_json("{\"format\":1", "a.png")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("a.png: damaged recipe: not JSON"), "{e}");
    let e = Document::from_json("{\"format\":1,\"program\":\"x\"}", "a.png")
        .unwrap_err()
        .to_string();
    assert!(e.contains("exactly one of 'picture' and 'sheet'"), "{e}");
}

#[test]
fn bad_values_are_refused_by_name() {
    let mut r = Recipe::of(&clifford_job(), 1, &Style::default());
    r.params.insert("q".into(), 1.0);
    assert_eq!(
        r.preset().unwrap_err().to_string(),
        "\"params\" q: not one of clifford's parameters (a, b, c, d)"
    );
    r.params.remove("q");
    r.params.remove("d");
    assert_eq!(
        r.preset().unwrap_err().to_string(),
        "\"params\" d: missing; clifford needs a, b, c, d, or give them with --params"
    );
    r.equation = "clifort".into();
    let e = r.preset().unwrap_err();
    assert!(
        e.field == "equation" && e.why.contains("did you mean"),
        "{e}"
    );
    r.palette = "nope".into();
    let e = recipe_style(&r, "r.json").unwrap_err().to_string();
    assert!(
        e.starts_with("r.json: \"palette\" 'nope': unknown palette"),
        "{e}"
    );
    r.palette = "fire".into();
    r.span = Some([5, 1]);
    let e = recipe_style(&r, "r.json").unwrap_err().to_string();
    assert!(
        e.contains("\"span\" 5,1: a span does not apply to eq_hist"),
        "{e}"
    );
    r.shade = "log".into();
    let e = recipe_style(&r, "r.json").unwrap_err().to_string();
    assert!(e.contains("\"span\" 5,1: MIN is not below MAX"), "{e}");
}

#[test]
fn a_sheet_lists_its_recipes_and_is_not_one_picture() {
    let r = Recipe::of(&clifford_job(), 1, &Style::default());
    let doc = Document::sheet(vec![r.clone(), r]);
    assert_eq!(doc.recipes().len(), 2);
    assert!(doc.png_text().description.contains("sheet of 2 candidates"));
    let e = doc.into_picture("s.png").unwrap_err().to_string();
    assert!(e.contains("a contact sheet of 2 pictures"), "{e}");
}

#[test]
fn files_that_carry_no_recipe_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let atr = dir.path().join("two.atr");
    std::fs::write(&atr, "Name,Equation,a,b\nC,clifford,1,2\n").unwrap();
    let e = super::load(&atr).unwrap_err().to_string();
    assert!(e.contains("a preset file, not a recipe"), "{e}");
    assert!(e.contains("--config"), "{e}");
    let txt = dir.path().join("notes.txt");
    std::fs::write(&txt, "hello").unwrap();
    let e = super::load(&txt).unwrap_err().to_string();
    assert!(e.contains("not a file that carries a recipe"), "{e}");
    // A recipe saved under another name is still read.
    let r = dir.path().join("saved.recipe");
    let json = Document::picture(Recipe::of(&clifford_job(), 1000, &Style::default())).to_json();
    std::fs::write(&r, json).unwrap();
    assert!(super::load(&r).is_ok());
}
