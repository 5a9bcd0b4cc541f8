<?php $body = file_get_contents("php://input"); http_response_code(201); header("Content-Type: text/plain"); echo "got " . strlen($body) . " bytes: " . $body;
