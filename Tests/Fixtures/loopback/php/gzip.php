<?php
// Compressed by PHP itself (Content-Encoding: gzip in the CGI head) when the client accepts gzip.
ob_start("ob_gzhandler");
header("Content-Type: text/plain");
echo str_repeat("compressed by php line\n", 200);
