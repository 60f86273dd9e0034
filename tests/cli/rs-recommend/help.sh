rs-recommend --help | grep -q -- '--similar ITEM'
