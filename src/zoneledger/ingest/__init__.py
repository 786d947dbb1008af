"""Excel in and out: the zones' ledger workbooks imported whole, validated row by row, and exported back.

The API the pages and commands use:

- `importer.import_workbook(*, file, user, dry_run=False, language=None, progress=None, filename="")`
  → `ImportResult` with `created` / `updated` / `unchanged` ({sheet: array of Excel row numbers}), `errors`
  ([RowError(sheet, row, column, message)], every one, in `language` — zh-hans unless told), `ok`,
  `applied`, `events_added`. All rows or nothing, in one transaction; `progress(done, total)` is called
  after each chunk of rows.
- `writer.write_ledger_xlsx(*, projects_queryset, file, progress=None)` — exactly the given projects and
  their monthly rows, in the template (both sheets); returns (projects, monthly rows) written.
- `writer.write_template_xlsx(*, file, user=None)` — the empty template with its 填报说明 sheet and drop-downs.

`columns` is the template (the contract with the people and tools that write the files), `cells` reads
cell values, `reader` opens uploads safely, `bulk` is the import's COPY/executemany path.
Commands: `zoneledger import`, `zoneledger export`, `zoneledger template`.
"""
