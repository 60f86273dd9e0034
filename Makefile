# rs: recommender systems as small Unix filters.
#   make            build the programs into $(BUILD)/bin
#   make check      build, run every test, then again under ASan+UBSan
#   make demo       the whole pipeline on testdata/, prints the report
#   make bench      speed against peers on an ML-20M-sized synthetic file
#   make install PREFIX=/usr/local
#   make deps       install missing Debian packages (as root) or print the apt-get line

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
OPT     ?= -O2 -march=x86-64-v2
CFLAGS  ?= $(OPT) -g
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CPPFLAGS += -D_GNU_SOURCE -Ilib -I/usr/include/x86_64-linux-gnu/openblas-pthread
LDLIBS  += -Wl,--as-needed -lcsv -llapacke -lopenblas -lzstd -lpthread -lm
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

DEB_PKGS := build-essential libcsv-dev libopenblas-dev liblapacke-dev libzstd-dev zstd
DEB_HDRS := /usr/include/csv.h /usr/include/lapacke.h /usr/include/zstd.h \
            /usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h /usr/bin/zstd

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
CMD_SRC := $(wildcard cmd/*.c)
PROGS   := $(CMD_SRC:cmd/%.c=$(BUILD)/bin/%)
UNIT_SRC := $(wildcard tests/unit/*.c)
UNITS   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%.t)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bin/%)

all: deps-ok $(PROGS) $(BENCH_BIN)

$(BUILD)/lib/%.o: lib/%.c $(wildcard lib/*.h) | $(BUILD)/lib
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<
$(BUILD)/librs.a: $(LIB_OBJ)
	rm -f $@; ar rcs $@ $^
$(BUILD)/bin/%: cmd/%.c $(BUILD)/librs.a | $(BUILD)/bin
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(BUILD)/librs.a $(LDFLAGS) $(LDLIBS)
$(BUILD)/bin/%: bench/%.c $(BUILD)/librs.a | $(BUILD)/bin
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(BUILD)/librs.a $(LDFLAGS) $(LDLIBS)
$(BUILD)/tests/%.t: tests/unit/%.c tests/unit/tap.h $(BUILD)/librs.a | $(BUILD)/tests
	$(CC) $(CPPFLAGS) -Itests/unit $(WARN) $(CFLAGS) -o $@ $< $(BUILD)/librs.a $(LDFLAGS) $(LDLIBS)
$(BUILD)/lib $(BUILD)/bin $(BUILD)/tests:
	mkdir -p $@

# Tests: C unit tests of lib/ and shell tests of the real programs, all TAP, run by prove.
# RS_TEST_QUICK=1 (set for the sanitizer pass) skips the slow real-data comparisons.
TESTS_ENV = RS_BIN=$(CURDIR)/$(BUILD)/bin RS_TOP=$(CURDIR)
test: all $(UNITS)
	$(TESTS_ENV) prove -j$(JOBS) $(UNITS) tests/cli/run.t tests/t/*.t

check: deps
	$(MAKE) -j$(JOBS) test
	$(MAKE) -j$(JOBS) test BUILD=build-san CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" \
	    RS_TEST_QUICK=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
	@echo "make check: all tests passed (normal build and ASan+UBSan build)"

demo: deps all
	@sh examples/demo.sh $(BUILD)/bin

bench: deps all
	@sh bench/run.sh $(BUILD)/bin

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5

# deps: quietly succeed when everything is present; install as root; else say the one line.
deps:
	@missing=""; for f in $(DEB_HDRS); do [ -e $$f ] || missing=yes; done; \
	command -v prove >/dev/null || missing=yes; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "rs: installing build dependencies: $(DEB_PKGS)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PKGS) perl >/dev/null; \
	  else \
	    echo "rs: missing build dependencies; run as root:"; \
	    echo "  apt-get install $(DEB_PKGS) perl"; exit 1; \
	  fi; \
	fi
deps-ok:
	@for f in $(DEB_HDRS); do [ -e $$f ] || { echo "rs: $$f missing; run 'make deps' (as root) first"; exit 1; }; done

clean:
	rm -rf build build-san build-*

.PHONY: all test check demo bench install deps deps-ok clean
.DELETE_ON_ERROR:
