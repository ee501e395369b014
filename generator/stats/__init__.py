"""Statistics: the exports the team downloads (stats/), public counts, matched to the plan.

Modules follow the pipeline: `config` (the `stats:` section of site_config.yml), `formats`
(all knowledge of the export formats, in one table), `tables` (bytes to rows: encodings,
separators, workbooks, zips, with limits), `read` (rows to numbers, with a diagnostic for
every row it cannot read), `published` (the `published:` map of a post), `fetch` (public
counts of Mastodon and Bluesky), `match` (numbers to posts), `figures` (what the portal
shows), `charts` (SVG), `pages`, `report` and `checks`.
"""
