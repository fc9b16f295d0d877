//! Writing the package's files into one zip.

use std::io::{Cursor, Write};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::error::{AppError, AppResult};

/// `files` (path inside the zip, bytes) as a deflated zip, in the order given.
pub fn zip(files: &[(String, Vec<u8>)]) -> AppResult<Vec<u8>> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        writer
            .start_file(name.as_str(), options)
            .map_err(AppError::internal)?;
        writer.write_all(bytes).map_err(AppError::internal)?;
    }
    Ok(writer.finish().map_err(AppError::internal)?.into_inner())
}
