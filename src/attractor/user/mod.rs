//! User-defined maps: a small formula language, parsed once into one AST and turned into
//!
//! * a float64 evaluator for the exact mode ([`Eval64`]; operations in the written order, no FMA,
//!   the same prelude as the built-in maps, so a built-in written as a formula gives the same
//!   orbit bit for bit),
//! * a float32 evaluator over lanes of orbits for the sampled mode ([`Eval32`]),
//! * the WGSL body of `fn map_step` for the GPU ([`UserMap::wgsl_body`], [`UserMap::map_step_wgsl`]).
//!
//! # The language
//!
//! One assignment per coordinate, `x' = <expr>; y' = <expr>`, optionally `; z' = <expr>` (a 3-D
//! map, drawn as its x-y projection), with local definitions anywhere before their use:
//! `t = 0.4 - 6/(1 + x*x + y*y); x' = 1 + a*(x*cos(t) - y*sin(t)); y' = a*(x*sin(t) + y*cos(t))`.
//! Statements are separated by `;` or a newline (inside parentheses a newline is white space);
//! `#` starts a comment. A later line may read an earlier one, including `x'`; `x, y, z` always
//! mean the current point. A missing `z'` keeps z.
//!
//! * Names: `x y z`, the parameters `a b c d e f g` (the `.atr` columns; `e` is the fifth
//!   parameter, not Euler's number: write `exp(1)`), the constant `pi`, locals.
//! * Operators: `+ - * /`, `^` (right-associative, tighter than unary minus: `-2^2 = -4`,
//!   `2^3^2 = 512`), comparisons `< <= > >=` giving 1 or 0, parentheses.
//! * Functions: sin cos tan asin acos atan atan2(y, x) sinh cosh tanh exp log (natural) sqrt abs
//!   sign (sign(0) = 0) floor fract (x - floor(x)) min max pow(u, v) (same as `u ^ v`) and
//!   `select(c, if_true, if_false)` (`if_true` where c != 0; NaN counts as not 0).
//! * Powers: an integer literal exponent |n| <= 32 multiplies from the left (`x^3 = (x*x)*x`,
//!   `x^-2 = 1/(x*x)`), so `x^2` is exactly `x*x`; any other exponent uses `powf`.
//! * Limits: [`MAX_TEXT`] bytes of text, [`MAX_DEPTH`] levels of nesting; a part without
//!   variables must be finite in float32 (the GPU compiler folds it).
//!
//! Errors ([`FormulaError`]) carry the span, line and column; [`FormulaError::render`] prints
//! `origin:line:column: message`, the formula line and a caret, with the expected token or the
//! names that come close (`sinn` -> `sin`).

mod ast;
mod error;
mod eval32;
mod eval64;
mod fold;
mod guard;
mod lex;
mod parse;
mod program;
mod wgsl;

pub use error::{ErrorKind, FormulaError, Origin};
pub use eval32::Eval32;
pub use eval64::Eval64;
pub use parse::{Ast, MAX_DEPTH, MAX_TEXT, PARAM_NAMES};
pub use program::MAX_INT_POWER;

use crate::attractor::Equation;
use parse::{Expr, Func};
use program::Program;

/// A parsed and checked user formula, ready to evaluate or compile to WGSL.
#[derive(Clone, Debug)]
pub struct UserMap {
    text: String,
    ast: Ast,
    program: Program,
}

impl PartialEq for UserMap {
    fn eq(&self, other: &UserMap) -> bool {
        self.text == other.text
    }
}

impl UserMap {
    /// Parses and checks a formula. Any text gives `Ok` or a located error, never a panic.
    pub fn parse(text: &str) -> Result<UserMap, FormulaError> {
        let ast = parse::parse(text).map_err(|e| e.locate(text))?;
        let mut known = fold::Known::default();
        for s in &ast.stmts {
            let v = check_constants(&s.expr, &known).map_err(|e| e.locate(text))?;
            match s.target {
                parse::Target::Coord(c) => known.coords[c as usize] = v,
                parse::Target::Local(_) => known.locals.push(v),
            }
        }
        let program = program::lower(&ast);
        Ok(UserMap {
            text: text.to_string(),
            ast,
            program,
        })
    }

    /// The text as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The formula printed back in a canonical form (`; `-separated, spaces around binary
    /// operators, fewest parentheses); parsing it gives the same tree. It may be longer than the
    /// text (spaces), so for a formula near [`MAX_TEXT`] it can exceed the limit.
    pub fn canonical_text(&self) -> String {
        self.ast.to_text()
    }

    /// The resolved syntax tree.
    pub fn ast(&self) -> &Ast {
        &self.ast
    }

    /// Which parameters a..g the formula reads.
    pub fn params_used(&self) -> [bool; 7] {
        self.ast.param_uses.clone().map(|u| u.is_some())
    }

    /// The names of the parameters the formula reads, e.g. `['a', 'b', 'c', 'd']`.
    pub fn param_names_used(&self) -> Vec<char> {
        (0..7)
            .filter(|&i| self.ast.param_uses[i].is_some())
            .map(|i| PARAM_NAMES[i])
            .collect()
    }

    /// Whether the formula assigns `z'` (a 3-D map, drawn as its x-y projection).
    pub fn is_3d(&self) -> bool {
        self.ast
            .stmts
            .iter()
            .any(|s| s.target == parse::Target::Coord(2))
    }

    /// Whether the start point's z matters: the formula assigns `z'` or reads `z` (a formula
    /// that does neither keeps z and never looks at it).
    pub fn uses_z(&self) -> bool {
        fn reads_z(e: &Expr) -> bool {
            match &e.kind {
                parse::ExprKind::Var(v) => *v == parse::Var::Old(2),
                parse::ExprKind::Num { .. } => false,
                parse::ExprKind::Neg(a) => reads_z(a),
                parse::ExprKind::Bin(_, a, b) => reads_z(a) || reads_z(b),
                parse::ExprKind::Call(_, args) => args.iter().any(reads_z),
            }
        }
        self.is_3d() || self.ast.stmts.iter().any(|s| reads_z(&s.expr))
    }

    /// Checks which `.atr` columns a..g are filled against the parameters the formula uses: a used
    /// parameter must be filled (the error points at its first use), an unused one left blank.
    pub fn check_params(&self, filled: [bool; 7]) -> Result<(), FormulaError> {
        for i in 0..7 {
            match (&self.ast.param_uses[i], filled[i]) {
                (Some(span), false) => {
                    return Err(FormulaError::new(
                        ErrorKind::ParamBlank {
                            name: PARAM_NAMES[i],
                        },
                        span.clone(),
                    )
                    .locate(&self.text));
                }
                (None, true) => {
                    return Err(FormulaError::new(
                        ErrorKind::ParamUnused {
                            name: PARAM_NAMES[i],
                        },
                        0..0,
                    )
                    .locate(&self.text));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// One float64 step (convenience: sets up an evaluator each call; loops should hold an
    /// [`Eval64`] from [`UserMap::eval_f64`]).
    pub fn step_f64(&self, p: [f64; 3], k: &[f64; 7]) -> [f64; 3] {
        Eval64::new(&self.program, k).step(p)
    }

    /// A float64 evaluator for the parameters `k` (a..g).
    pub fn eval_f64(&self, k: &[f64; 7]) -> Eval64<'_> {
        Eval64::new(&self.program, k)
    }

    /// A float32 evaluator stepping `N` points at a time for the parameters `k` (a..g).
    pub fn eval_f32<const N: usize>(&self, k: &[f32; 7]) -> Eval32<'_, N> {
        Eval32::new(&self.program, k)
    }

    /// The WGSL statements of the map body, the same form as [`Equation::wgsl_body`]: `x, y, z`
    /// and the parameter names a..g must be in scope; ends in `return vec3<f32>(...)`.
    pub fn wgsl_body(&self) -> String {
        wgsl::body(&self.ast)
    }

    /// The complete WGSL `fn map_step(pin: vec3<f32>) -> vec3<f32>` for `accumulate.wgsl`, with
    /// the parameters the formula uses bound from the uniforms' slots k0.x..k1.z (a..g).
    pub fn map_step_wgsl(&self) -> String {
        wgsl::map_step(&self.ast)
    }

    /// Number of register-machine instructions one step runs (a measure of its cost).
    pub fn instructions(&self) -> usize {
        self.program.code.len()
    }
}

/// Rejects parts without variables that are not finite in float64 or float32 (`1/0`, `log(0)`,
/// `1e30*1e30`), and returns the value of `e` if it is constant.
fn check_constants(e: &Expr, known: &fold::Known) -> Result<fold::Val, FormulaError> {
    let mut kids = Vec::new();
    for c in fold::children(e) {
        kids.push(check_constants(c, known)?);
    }
    let value = fold::node(e, known, &kids);
    if let Some((v64, v32)) = value {
        let bad = if !v32.is_finite() {
            Some((format!("{v32}"), 32))
        } else if !v64.is_finite() {
            Some((format!("{v64}"), 64))
        } else {
            None
        };
        if let Some((value, bits)) = bad {
            return Err(FormulaError::new(
                ErrorKind::ConstantNotFinite { value, bits },
                e.span.clone(),
            ));
        }
    }
    Ok(value)
}

/// A built-in map written in the formula language (`list --equations --as-formula`), with its
/// parameters renamed to a..g in column order; `None` for symmetric_icon (its loop has no
/// formula form). Derived from the built-in's single source, so it evaluates bit for bit like
/// [`Equation::step_f64`] (tested).
pub fn builtin_formula(eq: Equation) -> Option<String> {
    let readable = eq.formula_readable();
    if readable.contains("repeat") {
        return None;
    }
    let params = eq.params();
    // Locals of the built-in that would clash with a name of the language get a suffix.
    let mut renames: Vec<(String, String)> = params
        .iter()
        .enumerate()
        .map(|(i, p)| (p.to_string(), PARAM_NAMES[i].to_string()))
        .collect();
    let taken = |n: &str| {
        PARAM_NAMES
            .iter()
            .any(|p| n.len() == 1 && n.starts_with(*p))
            || ["x", "y", "z", "pi"].contains(&n)
            || Func::from_name(n).is_some()
    };
    let mut lines = Vec::new();
    for line in readable.lines() {
        let tokens = lex::lex(line).ok()?;
        if let Some(lex::Token {
            kind: lex::Tok::Ident(local),
            ..
        }) = tokens.first()
            && !params.contains(&local.as_str())
            && taken(local)
        {
            let mut new = format!("{local}1");
            while taken(&new) || readable.contains(&new) {
                new.push('1');
            }
            renames.push((local.clone(), new));
        }
        let mut out = String::new();
        let mut last = 0;
        for t in &tokens {
            if let lex::Tok::Ident(n) = &t.kind
                && let Some((_, to)) = renames.iter().find(|(from, _)| from == n)
            {
                out.push_str(&line[last..t.span.start]);
                out.push_str(to);
                last = t.span.end;
            }
        }
        out.push_str(&line[last..]);
        lines.push(out);
    }
    Some(lines.join("; "))
}

#[cfg(test)]
mod tests;
