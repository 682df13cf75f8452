//! The guide's flag reference (`docs/guide/src/reference/flags.md`) is generated from the clap
//! definition; this test fails when the checked-in page is stale.

mod common;

const PAGE: &str = "docs/guide/src/reference/flags.md";
const REGENERATE: &str =
    "cargo run --release -- man --markdown > docs/guide/src/reference/flags.md";

#[test]
fn the_checked_in_flag_reference_is_current() {
    let out = common::bin().args(["man", "--markdown"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = String::from_utf8(out.stdout).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(PAGE);
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if generated != checked_in {
        let line = generated
            .lines()
            .zip(checked_in.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| "the end".to_string(), |i| format!("line {}", i + 1));
        panic!("{PAGE} is stale (first difference at {line}); regenerate it: {REGENERATE}");
    }
}

#[test]
fn every_visible_flag_of_every_command_is_on_the_page() {
    use clap::CommandFactory;
    let root = attractors::cli::Args::command();
    let page = attractors::cli::reference::flags_markdown(&root);
    for cmd in std::iter::once(&root).chain(root.get_subcommands()) {
        let section = format!(
            "## `attractors{}`",
            match cmd.get_name() {
                "attractors" => String::new(),
                name => format!(" {name}"),
            }
        );
        assert!(page.contains(&section), "{section} missing");
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                let listed = [format!("- `--{long}"), format!(", --{long}")];
                assert!(
                    listed.iter().any(|l| page.contains(l.as_str())),
                    "--{long} missing"
                );
            }
        }
    }
    assert!(page.contains("- `--iters <N>` (default `1e8`): "), "{page}");
    assert!(!page.contains("- `--markdown"), "a hidden flag is listed");
    assert!(
        !page.contains("## `attractors help`"),
        "clap's help subcommand is listed"
    );
}

#[test]
fn help_text_is_escaped_where_markdown_would_swallow_it() {
    use clap::CommandFactory;
    let page = attractors::cli::reference::flags_markdown(&attractors::cli::Args::command());
    // Outside code spans, `<` would open an HTML tag and `a*b ... c*d` would turn italic.
    for line in page.lines().filter(|l| l.starts_with("- `")) {
        let prose: String = line.split('`').step_by(2).collect();
        assert!(!prose.contains('<'), "unescaped '<' in: {line}");
        let stars = prose.matches('*').count();
        assert_eq!(
            stars,
            prose.matches("\\*").count(),
            "unescaped '*' in: {line}"
        );
    }
}
