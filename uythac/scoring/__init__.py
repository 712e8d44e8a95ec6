"""Monthly scoring and grading (chấm điểm, xếp loại) of groups, commune associations and the credit-quality index of
communes, PGDs and provinces: rubrics as versioned data, a pure engine, explanations and what-if."""
