"""The script spark-submit runs: the custodes command line inside the Spark driver.

    spark-submit --master yarn "$(python -c 'import custodes.spark.submit as m; print(m.__file__)')" \\
        spark extract s3a://bucket/corpus/ --out s3a://bucket/extracted/
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from custodes.cli import app

    app(args=argv if argv is not None else sys.argv[1:], prog_name="custodes")


if __name__ == "__main__":  # pragma: no cover
    main()
