//! Name resolution while parsing: what a name in a formula refers to.

use super::{COORDS, Expr, ExprKind, PARAM_NAMES, Parser, Var, err};
use crate::attractor::user::ast::Func;
use crate::attractor::user::error::{ErrorKind, FormulaError};
use std::ops::Range;

impl Parser {
    /// The variable `name` (at `span`), resolved: a coordinate, a parameter (its first use
    /// recorded), `pi` or a local defined on an earlier line; else an error that says why, with
    /// the nearest known name.
    pub(super) fn name(&mut self, name: &str, span: Range<usize>) -> Result<Expr, FormulaError> {
        let var = if let Some(c) = COORDS.iter().position(|c| *c == name) {
            Var::Old(c as u8)
        } else if let Some(p) = PARAM_NAMES
            .iter()
            .position(|p| name.len() == 1 && name.starts_with(*p))
        {
            if self.param_uses[p].is_none() {
                self.param_uses[p] = Some(span.clone());
            }
            Var::Param(p as u8)
        } else if name == "pi" {
            Var::Pi
        } else if let Some(l) = self.locals.iter().position(|(l, _)| l == name) {
            Var::Local(l as u16)
        } else if Func::from_name(name).is_some() {
            return err(ErrorKind::FunctionWithoutCall { name: name.into() }, span);
        } else {
            let mut known: Vec<String> = ["x", "y", "z", "a", "b", "c", "d", "e", "f", "g", "pi"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            known.extend(self.locals.iter().map(|(l, _)| l.clone()));
            known.extend(Func::ALL.iter().map(|f| f.name().to_string()));
            let suggestion = crate::suggest::did_you_mean(name, known.iter().map(String::as_str));
            return err(
                ErrorKind::UnknownName {
                    name: name.into(),
                    suggestion,
                },
                span,
            );
        };
        Ok(Expr {
            kind: ExprKind::Var(var),
            span,
        })
    }

    /// Whether `name` is a variable here (so `name(...)` is a misuse, not an unknown function).
    pub(super) fn is_variable(&self, name: &str) -> bool {
        COORDS.contains(&name)
            || (name.len() == 1 && PARAM_NAMES.iter().any(|p| name.starts_with(*p)))
            || name == "pi"
            || self.locals.iter().any(|(l, _)| l == name)
    }
}
