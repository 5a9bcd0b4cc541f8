<?php header("Content-Type: text/plain"); echo "hello " . ($_GET["name"] ?? "nobody");
