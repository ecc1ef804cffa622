from course.instructor.cli import main

raise SystemExit(main())
