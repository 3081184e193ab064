"""No secret and no full BSN in application logs."""

from __future__ import annotations

import logging

import structlog

from hub.logging import configure_logging, scrub_text


def test_scrub_text_masks_bsn_but_not_other_numbers():
    assert scrub_text("bsn 999993653 en kvk 69599084 en 123456789") == (
        "bsn [bsn] en kvk 69599084 en 123456789"
    )


def test_scrub_text_masks_credentials():
    assert "abc.def" not in scrub_text("Authorization: Bearer abc.def")


def test_structlog_and_stdlib_logs_are_scrubbed(capsys):
    configure_logging(json=True, level="DEBUG")
    structlog.get_logger("t").info(
        "lookup 999993653",
        bsn="999993653",
        client_secret="s3cr3t",
        nested={"api_key": "k", "n": 999990676},
    )
    logging.getLogger("other").warning("GET /zaken?inpBsn=999991978")
    err = capsys.readouterr().err
    for secret in ("999993653", "s3cr3t", "999990676", "999991978", '"k"'):
        assert secret not in err, secret
    assert "[bsn]" in err and "[redacted]" in err
