"""Procurement audit: which items of an asset inventory were made by a restricted vendor, and why.

A compliance officer hands over an inventory (brand, model, MAC address, description per row);
each row is matched to the vendor registry, the relabel (OEM) brands of the bundled `oem-brands`
dataset and the IEEE MAC prefix registry, and every match carries the restriction listings of the
bundled `restricted-vendors` dataset that apply, with their citations.  Nothing here guesses a
link that no cited source states; a weaker link is reported as `possibly covered`, not dropped.

    inventory.py  reading a file: size limit, encodings, column detection, row problems
    oui.py        MAC address forms and the IEEE registry shipped with netaddr
    lists.py      restriction listings and OEM links read from the bundled datasets
    rules.py      the audit's own data (data/audit.yaml): column names, verdict policy
    matcher.py    one row or one name -> matches and a verdict (cached per distinct value)
    report.py     table, CSV, JSON and self-contained HTML reports
"""
