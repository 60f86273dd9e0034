rs-recommend --format xml
