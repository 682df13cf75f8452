//! The text of an `.atr` file and its lines: decoding (size, UTF-8, NUL, BOM), the checks of a
//! raw line (stray CR, quotes), and the CSV split of one line into fields.

use super::{AtrError, MAX_FILE_BYTES};

/// An [`AtrError`] at `file:line` (and `column`) whose message does not name them yet.
pub(super) fn error_at(file: &str, line: usize, column: Option<&str>, message: String) -> AtrError {
    AtrError {
        file: file.to_string(),
        line,
        column: column.map(str::to_string),
        position: None,
        message,
        located: false,
    }
}

/// The file's text: refuses a file too large, bytes that are not UTF-8 and NUL bytes; drops a
/// UTF-8 byte order mark.
pub(super) fn decode_text<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, AtrError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(error_at(
            file,
            1,
            None,
            format!(
                "file is {} bytes, expected a preset file under {} bytes; is this the right file?",
                bytes.len(),
                MAX_FILE_BYTES
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        error_at(
            file,
            line,
            None,
            "found bytes that are not UTF-8 text, expected a CSV text file".into(),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\0') {
        let line = 1 + text[..text.find('\0').unwrap_or(0)].matches('\n').count();
        return Err(error_at(
            file,
            line,
            None,
            "found a NUL byte, expected a CSV text file".into(),
        ));
    }
    Ok(text)
}

/// Refuses a carriage return inside a line (comment and blank lines included).
pub(super) fn check_line_text(raw: &str, line: usize, file: &str) -> Result<(), AtrError> {
    // `lines()` takes CRLF as a line end; a CR anywhere else would end the CSV record early
    // and silently drop the rest of the line.
    if let Some(at) = raw.find('\r') {
        return Err(AtrError {
            position: Some(raw[..at].chars().count() + 1),
            ..error_at(
                file,
                line,
                None,
                "found a carriage return (CR) that does not end the line, expected LF or CRLF line ends only; remove the CR or convert the file's line ends".into(),
            )
        });
    }
    Ok(())
}

/// Refuses an unterminated quote and text after a quoted field's closing quote.
pub(super) fn check_quotes(raw: &str, line: usize, file: &str) -> Result<(), AtrError> {
    if raw.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
        return Err(error_at(
            file,
            line,
            None,
            "found an unterminated quote, expected a closing \" on the same line".into(),
        ));
    }
    if let Some(at) = text_after_closing_quote(raw) {
        return Err(AtrError {
            position: Some(at),
            ..error_at(
                file,
                line,
                None,
                "found text after a quoted field's closing quote, expected a comma or the line's end (write a quote inside a quoted field as \"\")".into(),
            )
        });
    }
    Ok(())
}

/// Splits one line into trimmed CSV fields. The CSV state machine is built once per file and
/// reset per line: building it costs far more than splitting a line.
pub(super) struct LineSplitter {
    reader: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    record: csv::StringRecord,
}

impl LineSplitter {
    pub(super) fn new() -> Self {
        LineSplitter {
            reader: csv_core::ReaderBuilder::new().build(),
            out: Vec::new(),
            ends: Vec::new(),
            record: csv::StringRecord::new(),
        }
    }

    pub(super) fn split(&mut self, line: &str) -> Result<&csv::StringRecord, String> {
        self.reader.reset();
        // A field's text is never longer than the line, and there is at most one field per comma.
        self.out.resize(line.len() + 1, 0);
        self.ends
            .resize(line.bytes().filter(|&b| b == b',').count() + 2, 0);
        let (mut input, mut written, mut fields) = (line.as_bytes(), 0, 0);
        loop {
            let (result, read, out, ends) =
                self.reader
                    .read_record(input, &mut self.out[written..], &mut self.ends[fields..]);
            input = &input[read..];
            written += out;
            fields += ends;
            match result {
                csv_core::ReadRecordResult::InputEmpty => continue,
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => break,
                csv_core::ReadRecordResult::OutputFull
                | csv_core::ReadRecordResult::OutputEndsFull => {
                    return Err("a field longer than its line".into());
                }
            }
        }
        let record = &mut self.record;
        record.clear();
        let mut start = 0;
        for &end in &self.ends[..fields] {
            let field = std::str::from_utf8(&self.out[start..end])
                .map_err(|_| "a field that is not UTF-8".to_string())?;
            record.push_field(field);
            start = end;
        }
        record.trim();
        Ok(record)
    }
}

/// The 1-based character position of the first character after a quoted field's closing quote
/// that is neither a comma nor the line's end (`"A"B`, which CSV readers silently join to `AB`).
fn text_after_closing_quote(raw: &str) -> Option<usize> {
    let chars: Vec<char> = raw.chars().collect();
    let (mut i, mut field_start) = (0, true);
    while i < chars.len() {
        if field_start && chars[i] == '"' {
            i += 1;
            loop {
                match (chars.get(i), chars.get(i + 1)) {
                    (Some('"'), Some('"')) => i += 2,
                    (Some('"'), next) => {
                        i += 1;
                        if next.is_some_and(|&c| c != ',') {
                            return Some(i + 1);
                        }
                        break;
                    }
                    (Some(_), _) => i += 1,
                    (None, _) => return None,
                }
            }
            field_start = false;
            continue;
        }
        field_start = chars[i] == ',';
        i += 1;
    }
    None
}
