// libpq, PostgreSQL's client library (Debian: libpq-dev; `pkg-config --cflags libpq` names its folder).
#include <libpq-fe.h>
