<?php error_log("hark stderr line"); header("Content-Type: text/plain"); echo "warned";
