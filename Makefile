# rs: recommender systems as small Unix filters.
#   make            build the programs into $(BUILD)/bin
#   make check      build, run every test, then again under ASan+UBSan
#   make fuzz       run each libFuzzer harness FUZZ_SECONDS (default 600)
#   make demo       the whole pipeline on testdata/, prints the report
#   make chart      doc/demo.svg, the README's picture of the demo (rs-plot, gnuplot)
#   make bench      speed against peers on an ML-20M-sized synthetic file
#   make install PREFIX=/usr/local  (programs, man pages, bash and zsh completion)
#   make deps       install missing Debian packages (as root) or print the apt-get line

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
OPT     ?= -O2 -march=x86-64-v2
CFLAGS  ?= $(OPT) -g
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
PKGS    := openblas lapacke libzstd libmicrohttpd jansson
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS += -D_GNU_SOURCE -Ilib $(PKG_CFLAGS)
DEPFLAGS := -MMD -MP
LDLIBS  += -Wl,--as-needed -lcsv $(PKG_LIBS) -lpthread -lm
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# What the build needs (DEB_HDRS are files that show each is there), and the
# peers and servers the tests compare with (DEB_TEST_FILES likewise).
DEB_PKGS := build-essential pkgconf libcsv-dev libopenblas-dev liblapacke-dev libzstd-dev zstd \
            libmicrohttpd-dev libjansson-dev
DEB_HDRS := /usr/include/csv.h /usr/include/lapacke.h /usr/include/zstd.h \
            /usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h /usr/bin/zstd /usr/bin/pkg-config \
            /usr/include/microhttpd.h /usr/include/jansson.h
DEB_TEST_PKGS := perl python3-numpy python3-scipy python3-sklearn python3-gensim python3-pandas \
            python3-zstandard python3-crcmod redis-server curl wrk python3-flask clang libclang-rt-14-dev \
            libopenmpi-dev openmpi-bin gnuplot-nox
DEB_TEST_FILES := /usr/bin/prove /usr/bin/mpicc /usr/bin/gnuplot /usr/lib/python3/dist-packages/scipy \
            /usr/lib/python3/dist-packages/sklearn /usr/lib/python3/dist-packages/gensim \
            /usr/lib/python3/dist-packages/pandas /usr/lib/python3/dist-packages/zstandard \
            /usr/lib/python3/dist-packages/crcmod /usr/bin/redis-server /usr/bin/curl /usr/bin/wrk \
            /usr/lib/python3/dist-packages/flask /usr/bin/clang \
            /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a

# The library, one folder per layer (lib/README): a layer includes only layers below it.
LAYERS  := common format prep model score eval tune serve cli
LIB_SRC := $(foreach l,$(LAYERS),$(wildcard lib/$(l)/*.c))
LIB_OBJ := $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
CMD_SRC := $(wildcard cmd/*.c)
PROGS   := $(CMD_SRC:cmd/%.c=$(BUILD)/bin/%)
UNIT_SRC := $(wildcard tests/unit/*.c)
UNITS   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%.t)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bin/%)

# rs-svd-mpi only where Open MPI's mpicc is (libopenmpi-dev); nothing else changes.
MPICC   ?= $(shell command -v mpicc 2>/dev/null)
MPI_BIN := $(if $(MPICC),$(BUILD)/bin/rs-svd-mpi)
# Its man page is installed with it, and only then.
MAN1    := $(filter-out $(if $(MPICC),,man/rs-svd-mpi.1),$(wildcard man/*.1))

all: deps-ok $(PROGS) $(BENCH_BIN) $(MPI_BIN)

$(BUILD)/bin/rs-svd-mpi: mpi/rs-svd-mpi.c $(BUILD)/librs.a
	@mkdir -p $(@D)
	$(MPICC) $(CPPFLAGS) $(DEPFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(BUILD)/librs.a $(LDFLAGS) $(LDLIBS)

# The version, and the commit when built from a git checkout (nothing in a
# release tarball, e.g. the Debian build), go to cli/version.o alone; the
# stamp changes only when they do, so a new commit recompiles that one file.
VERSION := 0.1.0
COMMIT  := $(shell [ -e .git ] && git describe --always --dirty 2>/dev/null)
$(BUILD)/version.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(VERSION) $(COMMIT)' | cmp -s - $@ 2>/dev/null || echo '$(VERSION) $(COMMIT)' > $@
$(BUILD)/lib/cli/version.o: $(BUILD)/version.stamp
$(BUILD)/lib/cli/version.o: CPPFLAGS += -DRS_VERSION='"$(VERSION)"' -DRS_COMMIT='"$(COMMIT)"'

$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(DEPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<
$(BUILD)/librs.a: $(LIB_OBJ)
	rm -f $@; ar rcs $@ $^
$(BUILD)/bin/%: cmd/%.c $(BUILD)/librs.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(DEPFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(BUILD)/librs.a $(LDFLAGS) $(LDLIBS)
$(BUILD)/bin/%: bench/%.c $(BUILD)/librs.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(DEPFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(BUILD)/librs.a $(LDFLAGS) $(LDLIBS)
$(BUILD)/tests/%.t: tests/unit/%.c $(BUILD)/librs.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(DEPFLAGS) -Itests/unit $(WARN) $(CFLAGS) -o $@ $< $(BUILD)/librs.a $(LDFLAGS) $(LDLIBS)

# Fuzzing (tests/fuzz/README): a libFuzzer harness per parser, built by clang
# with ASan+UBSan over a library of their own (built once, whatever BUILD is).
# make test runs each briefly over its seeds (tests/t/fuzz.t) when clang's
# fuzzer runtime is there; make fuzz runs each FUZZ_SECONDS, FUZZ_JOBS at a time.
FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_JOBS    ?= 1
FUZZ_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=undefined
FUZZ_RT  := $(shell f=$$($(FUZZ_CC) -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null); \
                    [ -f "$$f" ] && echo "$$f")
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_OBJ := $(LIB_SRC:lib/%.c=$(FUZZ_BUILD)/lib/%.o)

$(FUZZ_BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(DEPFLAGS) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_BUILD)/lib/cli/version.o: $(BUILD)/version.stamp
$(FUZZ_BUILD)/lib/cli/version.o: CPPFLAGS += -DRS_VERSION='"$(VERSION)"' -DRS_COMMIT='"$(COMMIT)"'
$(FUZZ_BUILD)/librs.a: $(FUZZ_OBJ)
	rm -f $@; ar rcs $@ $^
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/librs.a
	$(FUZZ_CC) $(CPPFLAGS) $(DEPFLAGS) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_BUILD)/librs.a $(LDLIBS)
fuzz-build: $(FUZZ_BIN)
fuzz: deps fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_JOBS)

# Shell completions (bash, zsh), made from each program's --help by
# completion/gen.sh, so the two cannot disagree; a table per program first.
CMD_PROGS := $(CMD_SRC:cmd/%.c=%)
COMP_PROGS := $(CMD_PROGS) $(if $(MPICC),rs-svd-mpi)
COMP_OPTS := $(COMP_PROGS:%=$(BUILD)/completion/%.opts)
COMPLETION := $(BUILD)/completion/rs.bash $(BUILD)/completion/_rs
completion: $(COMPLETION)
$(BUILD)/completion/%.opts: $(BUILD)/bin/% completion/gen.sh
	@mkdir -p $(@D)
	sh completion/gen.sh opts $< > $@
$(BUILD)/completion/rs.bash: $(COMP_OPTS) completion/gen.sh
	sh completion/gen.sh bash $(COMP_OPTS) > $@
$(BUILD)/completion/_rs: $(COMP_OPTS) completion/gen.sh
	sh completion/gen.sh zsh $(COMP_OPTS) > $@

-include $(LIB_OBJ:.o=.d) $(PROGS:=.d) $(BENCH_BIN:=.d) $(UNITS:.t=.d)
-include $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)

# Tests: C unit tests of lib/ and shell tests of the real programs, all TAP, run by prove.
# RS_TEST_QUICK=1 (set for the sanitizer pass) skips the slow real-data comparisons.
TESTS_ENV = RS_BIN=$(CURDIR)/$(BUILD)/bin RS_TOP=$(CURDIR) RS_FUZZ=$(CURDIR)/$(FUZZ_BUILD)
test: all $(UNITS) $(COMPLETION) $(if $(FUZZ_RT),$(FUZZ_BIN))
	$(TESTS_ENV) prove -j$(JOBS) $(UNITS) tests/run.t tests/t/*.t

# The layer rule, checked on its own (it is also one of the tests).
layers:
	@sh tests/layers.sh

check: deps-test
	$(MAKE) -j$(JOBS) test
	$(MAKE) -j$(JOBS) test BUILD=build-san CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" \
	    RS_TEST_QUICK=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
	@echo "make check: all tests passed (normal build and ASan+UBSan build)"

demo: deps all
	@sh examples/demo.sh $(BUILD)/bin

# The README's chart: every model of the demo, NDCG@K against K (the
# numbers beside it in doc/demo.tsv, the gnuplot script in doc/demo.gp).
doc/demo.svg: examples/demo.sh cmd/rs-plot.c | all
	@mkdir -p doc
	printf 'model\tk\thitrate\tmap\tndcg\tmrr\n' > doc/demo.tsv.tmp
	RS_DEMO_TSV=$(CURDIR)/doc/demo.tsv.tmp sh examples/demo.sh $(BUILD)/bin > /dev/null
	mv doc/demo.tsv.tmp doc/demo.tsv
	$(BUILD)/bin/rs-plot -x k -y ndcg --by model --size 900,480 \
	    --title 'Every model of make demo on testdata/ (top-20 lists)' --ylabel 'NDCG@K' -o $@ doc/demo.tsv
chart: doc/demo.svg

bench: deps all
	@sh bench/run.sh $(BUILD)/bin

# bash-completion loads a command's completion from the file of its name:
# one file, rs-eval, and a link to it for every other program.
BASH_COMP_DIR := $(PREFIX)/share/bash-completion/completions
ZSH_COMP_DIR  := $(PREFIX)/share/zsh/vendor-completions
install: deps-ok $(PROGS) $(MPI_BIN) $(COMPLETION)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	    $(DESTDIR)$(BASH_COMP_DIR) $(DESTDIR)$(ZSH_COMP_DIR)
	install -m 755 $(PROGS) $(MPI_BIN) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 644 $(BUILD)/completion/rs.bash $(DESTDIR)$(BASH_COMP_DIR)/$(firstword $(CMD_PROGS))
	for p in $(wordlist 2,$(words $(COMP_PROGS)),$(COMP_PROGS)); do \
	  ln -sf $(firstword $(CMD_PROGS)) $(DESTDIR)$(BASH_COMP_DIR)/$$p || exit 1; done
	install -m 644 $(BUILD)/completion/_rs $(DESTDIR)$(ZSH_COMP_DIR)/_rs

# A Debian package built from the committed tree (debian/), into $(BUILD)/deb.
deb:
	@rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/src
	git ls-files -z | xargs -0 cp --parents -t $(BUILD)/deb/src
	cd $(BUILD)/deb/src && dpkg-buildpackage -b -us -uc -j$(JOBS) >../build.log 2>&1 \
	  || { tail -30 ../build.log; exit 1; }
	@ls $(BUILD)/deb/*.deb

# deps: quietly succeed when everything is present; install as root; else say the one line.
# deps-test adds the test peers; apt-get runs only when a file is missing.
deps:
	@$(MAKE) -s deps-install WANT_PKGS="$(DEB_PKGS)" WANT_FILES="$(DEB_HDRS)"
deps-test:
	@$(MAKE) -s deps-install WANT_PKGS="$(DEB_PKGS) $(DEB_TEST_PKGS)" WANT_FILES="$(DEB_HDRS) $(DEB_TEST_FILES)"
deps-install:
	@missing=""; for f in $(WANT_FILES); do [ -e $$f ] || missing=yes; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "rs: installing missing Debian packages: $(WANT_PKGS)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(WANT_PKGS) >/dev/null; \
	  else \
	    echo "rs: missing Debian packages; run as root:"; \
	    echo "  apt-get install $(WANT_PKGS)"; exit 1; \
	  fi; \
	fi
deps-ok:
	@for f in $(DEB_HDRS); do [ -e $$f ] || { echo "rs: $$f missing; run 'make deps' (as root) first"; exit 1; }; done

clean:
	rm -rf build build-san build-*

FORCE:
.PHONY: all completion test check layers demo chart bench install deb deps deps-test deps-install deps-ok \
        clean fuzz fuzz-build
.DELETE_ON_ERROR:
