//! Owns a detection's `condition`: parsing the expression (`and`, `or`,
//! `not`, parentheses, `1 of`, `all of`, `them`, name patterns) against the
//! search identifiers it may name.

/// A condition over search identifiers, by their index.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Search(usize),
    Not(Box<Condition>),
    And(Vec<Condition>),
    Or(Vec<Condition>),
}

impl Condition {
    pub fn eval(&self, search: &mut impl FnMut(usize) -> bool) -> bool {
        match self {
            Condition::Search(index) => search(*index),
            Condition::Not(inner) => !inner.eval(search),
            Condition::And(all) => all.iter().all(|c| c.eval(search)),
            Condition::Or(any) => any.iter().any(|c| c.eval(search)),
        }
    }

    /// The searches that can make it true by matching (not under a `not`).
    pub fn positive(&self, out: &mut Vec<usize>) {
        match self {
            Condition::Search(index) => {
                if !out.contains(index) {
                    out.push(*index);
                }
            }
            Condition::Not(_) => {}
            Condition::And(all) | Condition::Or(all) => {
                for c in all {
                    c.positive(out);
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Open,
    Close,
    Pipe,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        let token = match c {
            '(' => Some(Token::Open),
            ')' => Some(Token::Close),
            '|' => Some(Token::Pipe),
            c if c.is_whitespace() => None,
            c => {
                word.push(c);
                continue;
            }
        };
        if !word.is_empty() {
            out.push(Token::Word(std::mem::take(&mut word)));
        }
        out.extend(token);
    }
    if !word.is_empty() {
        out.push(Token::Word(word));
    }
    out
}

/// Parses `text`, naming searches by their index in `names`.
pub fn parse(text: &str, names: &[String]) -> Result<Condition, String> {
    let tokens = tokens(text);
    if tokens.contains(&Token::Pipe) {
        return Err(
            "the condition uses the old aggregation syntax ('| count() …'); write a correlation rule instead"
                .into(),
        );
    }
    let mut parser = ConditionParser {
        tokens,
        at: 0,
        names,
        depth: 0,
    };
    let condition = parser.or()?;
    match parser.tokens.get(parser.at) {
        None => Ok(condition),
        Some(token) => Err(format!("unexpected {} in the condition", describe(token))),
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Word(w) => format!("'{w}'"),
        Token::Open => "'('".into(),
        Token::Close => "')'".into(),
        Token::Pipe => "'|'".into(),
    }
}

/// Deeper nesting than any real rule, shallow enough for any stack.
const MAX_DEPTH: usize = 64;

struct ConditionParser<'a> {
    tokens: Vec<Token>,
    at: usize,
    names: &'a [String],
    depth: usize,
}

impl ConditionParser<'_> {
    fn keyword(&self, keyword: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    fn or(&mut self) -> Result<Condition, String> {
        let mut parts = vec![self.and()?];
        while self.keyword("or") {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Condition::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Condition, String> {
        let mut parts = vec![self.not()?];
        while self.keyword("and") {
            self.at += 1;
            parts.push(self.not()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Condition::And(parts)
        })
    }

    fn not(&mut self) -> Result<Condition, String> {
        if self.keyword("not") {
            self.at += 1;
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Condition::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "the condition nests deeper than {MAX_DEPTH} levels"
            ));
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<Condition, String> {
        match self.tokens.get(self.at).cloned() {
            None => Err("the condition ends where a search name was expected".into()),
            Some(Token::Open) => {
                self.at += 1;
                self.enter()?;
                let inner = self.or()?;
                self.depth -= 1;
                if self.tokens.get(self.at) != Some(&Token::Close) {
                    return Err("a '(' in the condition is not closed".into());
                }
                self.at += 1;
                Ok(inner)
            }
            Some(Token::Word(word)) => {
                self.at += 1;
                let quantifier = if word == "1" || word.eq_ignore_ascii_case("any") {
                    Some(false)
                } else if word.eq_ignore_ascii_case("all") {
                    Some(true)
                } else {
                    None
                };
                if let (Some(all), true) = (quantifier, self.keyword("of")) {
                    self.at += 1;
                    let Some(Token::Word(pattern)) = self.tokens.get(self.at).cloned() else {
                        return Err(format!("'{word} of' needs a name pattern or 'them'"));
                    };
                    self.at += 1;
                    return self.quantified(all, &pattern);
                }
                if ["and", "or", "of"]
                    .iter()
                    .any(|k| word.eq_ignore_ascii_case(k))
                {
                    return Err(format!("'{word}' where a search name was expected"));
                }
                match self.names.iter().position(|n| *n == word) {
                    Some(index) => Ok(Condition::Search(index)),
                    None => Err(format!(
                        "the condition names '{word}', which is not a search in the detection"
                    )),
                }
            }
            Some(token) => Err(format!("unexpected {} in the condition", describe(&token))),
        }
    }

    fn quantified(&self, all: bool, pattern: &str) -> Result<Condition, String> {
        let them = pattern.eq_ignore_ascii_case("them");
        let matching: Vec<Condition> = self
            .names
            .iter()
            .enumerate()
            .filter(|(_, name)| {
                if them {
                    !name.starts_with('_')
                } else {
                    name_matches(pattern, name)
                }
            })
            .map(|(index, _)| Condition::Search(index))
            .collect();
        if matching.is_empty() {
            return Err(format!("no search name matches '{pattern}'"));
        }
        Ok(if all {
            Condition::And(matching)
        } else {
            Condition::Or(matching)
        })
    }
}

/// Name patterns use `*` for any run of characters.
fn name_matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn truth(condition: &Condition, true_ones: &[usize]) -> bool {
        condition.eval(&mut |i| true_ones.contains(&i))
    }

    #[test]
    fn precedence_is_or_and_not() {
        let n = names(&["a", "b", "c"]);
        let c = parse("a or b and not c", &n).unwrap();
        assert!(truth(&c, &[0, 2]));
        assert!(truth(&c, &[1]));
        assert!(!truth(&c, &[1, 2]));
        let c = parse("(a or b) and not c", &n).unwrap();
        assert!(!truth(&c, &[0, 2]));
        assert!(truth(&c, &[0]));
    }

    #[test]
    fn quantifiers_and_patterns() {
        let n = names(&["selection_a", "selection_b", "filter_x", "_hidden"]);
        let c = parse("all of selection_* and not 1 of filter*", &n).unwrap();
        assert!(truth(&c, &[0, 1]));
        assert!(!truth(&c, &[0]));
        assert!(!truth(&c, &[0, 1, 2]));
        let c = parse("1 of them", &n).unwrap();
        assert!(!truth(&c, &[3]), "names starting with _ are not in 'them'");
        assert!(truth(&c, &[2]));
        let c = parse("all of them", &n).unwrap();
        assert!(truth(&c, &[0, 1, 2]));
        assert!(name_matches("sel*_b", "selection_b"));
        assert!(!name_matches("sel*_c", "selection_b"));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let n = names(&["a"]);
        assert!(parse("a and b", &n).unwrap_err().contains("'b'"));
        assert!(parse("(a", &n).unwrap_err().contains("not closed"));
        assert!(parse("a |count() > 5", &n)
            .unwrap_err()
            .contains("correlation"));
        assert!(parse("1 of x*", &n).unwrap_err().contains("x*"));
        assert!(parse("a a", &n).is_err());
        assert!(parse("", &n).is_err());
        let deep = format!("{}a{}", "(".repeat(500), ")".repeat(500));
        assert!(parse(&deep, &n).unwrap_err().contains("deeper"));
        let nots = format!("{}a", "not ".repeat(500));
        assert!(parse(&nots, &n).unwrap_err().contains("deeper"));
    }
}
