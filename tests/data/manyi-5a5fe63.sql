BEGIN TRANSACTION;
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
INSERT INTO "_sqlite_migrations" VALUES(1,'manyi','m001_wal','2026-12-03 22:40:15.852499+00:00');
INSERT INTO "_sqlite_migrations" VALUES(2,'manyi','m002_core','2026-12-03 22:40:15.854891+00:00');
INSERT INTO "_sqlite_migrations" VALUES(3,'manyi','m003_response_counts','2026-12-03 22:40:15.855193+00:00');
INSERT INTO "_sqlite_migrations" VALUES(4,'manyi','m004_evaluators','2026-12-03 22:40:15.858787+00:00');
INSERT INTO "_sqlite_migrations" VALUES(5,'manyi','m005_review_order','2026-12-03 22:40:15.859797+00:00');
INSERT INTO "_sqlite_migrations" VALUES(6,'manyi','m006_fewer_submit_pages','2026-12-03 22:40:15.859992+00:00');
CREATE TABLE "answers" (
   "response_id" INTEGER REFERENCES "responses"("id"),
   "question_id" TEXT,
   "value" TEXT,
   PRIMARY KEY ("response_id", "question_id", "value")
);
INSERT INTO "answers" VALUES(1,'age','A');
INSERT INTO "answers" VALUES(1,'gender','A');
INSERT INTO "answers" VALUES(1,'q1','A');
INSERT INTO "answers" VALUES(1,'q2','A');
INSERT INTO "answers" VALUES(1,'q3','A');
INSERT INTO "answers" VALUES(1,'q4','A');
INSERT INTO "answers" VALUES(1,'q5','A');
INSERT INTO "answers" VALUES(2,'age','A');
INSERT INTO "answers" VALUES(2,'gender','A');
INSERT INTO "answers" VALUES(2,'q1','A');
INSERT INTO "answers" VALUES(2,'q2','A');
INSERT INTO "answers" VALUES(2,'q3','A');
INSERT INTO "answers" VALUES(2,'q4','A');
INSERT INTO "answers" VALUES(2,'q5','A');
INSERT INTO "answers" VALUES(3,'age','A');
INSERT INTO "answers" VALUES(3,'gender','A');
INSERT INTO "answers" VALUES(3,'q1','A');
INSERT INTO "answers" VALUES(3,'q2','A');
INSERT INTO "answers" VALUES(3,'q3','A');
INSERT INTO "answers" VALUES(3,'q4','B');
INSERT INTO "answers" VALUES(3,'q5','B');
INSERT INTO "answers" VALUES(4,'age','A');
INSERT INTO "answers" VALUES(4,'gender','A');
INSERT INTO "answers" VALUES(4,'q1','B');
INSERT INTO "answers" VALUES(4,'q2','A');
INSERT INTO "answers" VALUES(4,'q3','A');
INSERT INTO "answers" VALUES(4,'q4','A');
INSERT INTO "answers" VALUES(4,'q5','A');
INSERT INTO "answers" VALUES(5,'age','A');
INSERT INTO "answers" VALUES(5,'gender','B');
INSERT INTO "answers" VALUES(5,'q1','C');
INSERT INTO "answers" VALUES(5,'q2','A');
INSERT INTO "answers" VALUES(5,'q3','A');
INSERT INTO "answers" VALUES(5,'q4','A');
INSERT INTO "answers" VALUES(5,'q5','A');
INSERT INTO "answers" VALUES(6,'age','A');
INSERT INTO "answers" VALUES(6,'gender','B');
INSERT INTO "answers" VALUES(6,'q1','A');
INSERT INTO "answers" VALUES(6,'q2','A');
INSERT INTO "answers" VALUES(6,'q3','A');
INSERT INTO "answers" VALUES(6,'q4','C');
INSERT INTO "answers" VALUES(6,'q5','A');
INSERT INTO "answers" VALUES(7,'age','A');
INSERT INTO "answers" VALUES(7,'gender','B');
INSERT INTO "answers" VALUES(7,'q1','A');
INSERT INTO "answers" VALUES(7,'q2','A');
INSERT INTO "answers" VALUES(7,'q3','A');
INSERT INTO "answers" VALUES(7,'q4','A');
INSERT INTO "answers" VALUES(7,'q5','A');
INSERT INTO "answers" VALUES(8,'age','A');
INSERT INTO "answers" VALUES(8,'gender','B');
INSERT INTO "answers" VALUES(8,'q1','A');
INSERT INTO "answers" VALUES(8,'q2','B');
INSERT INTO "answers" VALUES(8,'q3','A');
INSERT INTO "answers" VALUES(8,'q4','B');
INSERT INTO "answers" VALUES(8,'q5','A');
INSERT INTO "answers" VALUES(9,'age','A');
INSERT INTO "answers" VALUES(9,'gender','A');
INSERT INTO "answers" VALUES(9,'q1','B');
INSERT INTO "answers" VALUES(9,'q2','A');
INSERT INTO "answers" VALUES(9,'q3','A');
INSERT INTO "answers" VALUES(9,'q4','A');
INSERT INTO "answers" VALUES(9,'q5','A');
INSERT INTO "answers" VALUES(10,'age','A');
INSERT INTO "answers" VALUES(10,'gender','A');
INSERT INTO "answers" VALUES(10,'q1','E');
INSERT INTO "answers" VALUES(10,'q2','A');
INSERT INTO "answers" VALUES(10,'q3','A');
INSERT INTO "answers" VALUES(10,'q4','A');
INSERT INTO "answers" VALUES(10,'q5','A');
INSERT INTO "answers" VALUES(11,'age','A');
INSERT INTO "answers" VALUES(11,'gender','A');
INSERT INTO "answers" VALUES(11,'q1','A');
INSERT INTO "answers" VALUES(11,'q2','A');
INSERT INTO "answers" VALUES(11,'q3','A');
INSERT INTO "answers" VALUES(11,'q4','B');
INSERT INTO "answers" VALUES(11,'q5','A');
INSERT INTO "answers" VALUES(12,'age','B');
INSERT INTO "answers" VALUES(12,'gender','B');
INSERT INTO "answers" VALUES(12,'q1','A');
INSERT INTO "answers" VALUES(12,'q2','B');
INSERT INTO "answers" VALUES(12,'q3','A');
INSERT INTO "answers" VALUES(12,'q4','A');
INSERT INTO "answers" VALUES(12,'q5','A');
INSERT INTO "answers" VALUES(13,'age','B');
INSERT INTO "answers" VALUES(13,'gender','B');
INSERT INTO "answers" VALUES(13,'q1','B');
INSERT INTO "answers" VALUES(13,'q2','A');
INSERT INTO "answers" VALUES(13,'q3','A');
INSERT INTO "answers" VALUES(13,'q4','A');
INSERT INTO "answers" VALUES(13,'q5','A');
INSERT INTO "answers" VALUES(14,'age','B');
INSERT INTO "answers" VALUES(14,'gender','B');
INSERT INTO "answers" VALUES(14,'q1','C');
INSERT INTO "answers" VALUES(14,'q2','A');
INSERT INTO "answers" VALUES(14,'q3','A');
INSERT INTO "answers" VALUES(14,'q4','C');
INSERT INTO "answers" VALUES(14,'q5','C');
INSERT INTO "answers" VALUES(15,'age','B');
INSERT INTO "answers" VALUES(15,'gender','B');
INSERT INTO "answers" VALUES(15,'q1','A');
INSERT INTO "answers" VALUES(15,'q2','A');
INSERT INTO "answers" VALUES(15,'q3','B');
INSERT INTO "answers" VALUES(15,'q4','A');
INSERT INTO "answers" VALUES(15,'q5','A');
INSERT INTO "answers" VALUES(16,'age','B');
INSERT INTO "answers" VALUES(16,'gender','A');
INSERT INTO "answers" VALUES(16,'q1','A');
INSERT INTO "answers" VALUES(16,'q2','C');
INSERT INTO "answers" VALUES(16,'q3','A');
INSERT INTO "answers" VALUES(16,'q4','B');
INSERT INTO "answers" VALUES(16,'q5','A');
INSERT INTO "answers" VALUES(17,'age','B');
INSERT INTO "answers" VALUES(17,'gender','A');
INSERT INTO "answers" VALUES(17,'q1','A');
INSERT INTO "answers" VALUES(17,'q2','A');
INSERT INTO "answers" VALUES(17,'q3','A');
INSERT INTO "answers" VALUES(17,'q4','A');
INSERT INTO "answers" VALUES(17,'q5','A');
INSERT INTO "answers" VALUES(18,'age','B');
INSERT INTO "answers" VALUES(18,'gender','A');
INSERT INTO "answers" VALUES(18,'q1','B');
INSERT INTO "answers" VALUES(18,'q2','A');
INSERT INTO "answers" VALUES(18,'q3','B');
INSERT INTO "answers" VALUES(18,'q4','A');
INSERT INTO "answers" VALUES(18,'q5','A');
INSERT INTO "answers" VALUES(19,'age','B');
INSERT INTO "answers" VALUES(19,'gender','B');
INSERT INTO "answers" VALUES(19,'q1','E');
INSERT INTO "answers" VALUES(19,'q2','A');
INSERT INTO "answers" VALUES(19,'q3','A');
INSERT INTO "answers" VALUES(19,'q4','B');
INSERT INTO "answers" VALUES(19,'q5','A');
INSERT INTO "answers" VALUES(20,'age','B');
INSERT INTO "answers" VALUES(20,'gender','B');
INSERT INTO "answers" VALUES(20,'q1','A');
INSERT INTO "answers" VALUES(20,'q2','C');
INSERT INTO "answers" VALUES(20,'q3','A');
INSERT INTO "answers" VALUES(20,'q4','A');
INSERT INTO "answers" VALUES(20,'q5','A');
INSERT INTO "answers" VALUES(21,'age','B');
INSERT INTO "answers" VALUES(21,'gender','B');
INSERT INTO "answers" VALUES(21,'q1','A');
INSERT INTO "answers" VALUES(21,'q2','A');
INSERT INTO "answers" VALUES(21,'q3','B');
INSERT INTO "answers" VALUES(21,'q4','A');
INSERT INTO "answers" VALUES(21,'q5','A');
INSERT INTO "answers" VALUES(22,'age','B');
INSERT INTO "answers" VALUES(22,'gender','B');
INSERT INTO "answers" VALUES(22,'q1','B');
INSERT INTO "answers" VALUES(22,'q2','A');
INSERT INTO "answers" VALUES(22,'q3','A');
INSERT INTO "answers" VALUES(22,'q4','D');
INSERT INTO "answers" VALUES(22,'q5','A');
INSERT INTO "answers" VALUES(23,'age','B');
INSERT INTO "answers" VALUES(23,'gender','A');
INSERT INTO "answers" VALUES(23,'q1','C');
INSERT INTO "answers" VALUES(23,'q2','A');
INSERT INTO "answers" VALUES(23,'q3','A');
INSERT INTO "answers" VALUES(23,'q4','A');
INSERT INTO "answers" VALUES(23,'q5','A');
INSERT INTO "answers" VALUES(24,'age','B');
INSERT INTO "answers" VALUES(24,'gender','A');
INSERT INTO "answers" VALUES(24,'q1','A');
INSERT INTO "answers" VALUES(24,'q2','D');
INSERT INTO "answers" VALUES(24,'q3','B');
INSERT INTO "answers" VALUES(24,'q4','B');
INSERT INTO "answers" VALUES(24,'q5','A');
INSERT INTO "answers" VALUES(25,'age','B');
INSERT INTO "answers" VALUES(25,'gender','A');
INSERT INTO "answers" VALUES(25,'q1','A');
INSERT INTO "answers" VALUES(25,'q2','A');
INSERT INTO "answers" VALUES(25,'q3','A');
INSERT INTO "answers" VALUES(25,'q4','A');
INSERT INTO "answers" VALUES(25,'q5','A');
INSERT INTO "answers" VALUES(26,'age','B');
INSERT INTO "answers" VALUES(26,'gender','B');
INSERT INTO "answers" VALUES(26,'q1','A');
INSERT INTO "answers" VALUES(26,'q2','A');
INSERT INTO "answers" VALUES(26,'q3','A');
INSERT INTO "answers" VALUES(26,'q4','A');
INSERT INTO "answers" VALUES(26,'q5','A');
INSERT INTO "answers" VALUES(27,'age','B');
INSERT INTO "answers" VALUES(27,'gender','B');
INSERT INTO "answers" VALUES(27,'q1','B');
INSERT INTO "answers" VALUES(27,'q2','A');
INSERT INTO "answers" VALUES(27,'q3','B');
INSERT INTO "answers" VALUES(27,'q4','B');
INSERT INTO "answers" VALUES(27,'q5','C');
INSERT INTO "answers" VALUES(28,'age','B');
INSERT INTO "answers" VALUES(28,'gender','B');
INSERT INTO "answers" VALUES(28,'q1','D');
INSERT INTO "answers" VALUES(28,'q2','A');
INSERT INTO "answers" VALUES(28,'q3','A');
INSERT INTO "answers" VALUES(28,'q4','A');
INSERT INTO "answers" VALUES(28,'q5','A');
INSERT INTO "answers" VALUES(29,'age','B');
INSERT INTO "answers" VALUES(29,'gender','B');
INSERT INTO "answers" VALUES(29,'q1','A');
INSERT INTO "answers" VALUES(29,'q2','A');
INSERT INTO "answers" VALUES(29,'q3','A');
INSERT INTO "answers" VALUES(29,'q4','A');
INSERT INTO "answers" VALUES(29,'q5','A');
INSERT INTO "answers" VALUES(30,'age','B');
INSERT INTO "answers" VALUES(30,'gender','A');
INSERT INTO "answers" VALUES(30,'q1','A');
INSERT INTO "answers" VALUES(30,'q2','A');
INSERT INTO "answers" VALUES(30,'q3','B');
INSERT INTO "answers" VALUES(30,'q4','A');
INSERT INTO "answers" VALUES(30,'q5','A');
INSERT INTO "answers" VALUES(31,'age','C');
INSERT INTO "answers" VALUES(31,'gender','A');
INSERT INTO "answers" VALUES(31,'q1','B');
INSERT INTO "answers" VALUES(31,'q2','A');
INSERT INTO "answers" VALUES(31,'q3','A');
INSERT INTO "answers" VALUES(31,'q4','A');
INSERT INTO "answers" VALUES(31,'q5','A');
INSERT INTO "answers" VALUES(32,'age','C');
INSERT INTO "answers" VALUES(32,'gender','A');
INSERT INTO "answers" VALUES(32,'q1','C');
INSERT INTO "answers" VALUES(32,'q2','A');
INSERT INTO "answers" VALUES(32,'q3','A');
INSERT INTO "answers" VALUES(32,'q4','B');
INSERT INTO "answers" VALUES(32,'q5','A');
INSERT INTO "answers" VALUES(33,'age','C');
INSERT INTO "answers" VALUES(33,'gender','B');
INSERT INTO "answers" VALUES(33,'q1','A');
INSERT INTO "answers" VALUES(33,'q2','A');
INSERT INTO "answers" VALUES(33,'q3','C');
INSERT INTO "answers" VALUES(33,'q4','A');
INSERT INTO "answers" VALUES(33,'q5','A');
INSERT INTO "answers" VALUES(34,'age','C');
INSERT INTO "answers" VALUES(34,'gender','B');
INSERT INTO "answers" VALUES(34,'q1','A');
INSERT INTO "answers" VALUES(34,'q2','A');
INSERT INTO "answers" VALUES(34,'q3','A');
INSERT INTO "answers" VALUES(34,'q4','A');
INSERT INTO "answers" VALUES(34,'q5','A');
INSERT INTO "answers" VALUES(35,'age','C');
INSERT INTO "answers" VALUES(35,'gender','B');
INSERT INTO "answers" VALUES(35,'q1','A');
INSERT INTO "answers" VALUES(35,'q2','B');
INSERT INTO "answers" VALUES(35,'q3','A');
INSERT INTO "answers" VALUES(35,'q4','C');
INSERT INTO "answers" VALUES(35,'q5','A');
INSERT INTO "answers" VALUES(36,'age','C');
INSERT INTO "answers" VALUES(36,'gender','B');
INSERT INTO "answers" VALUES(36,'q1','B');
INSERT INTO "answers" VALUES(36,'q2','A');
INSERT INTO "answers" VALUES(36,'q3','C');
INSERT INTO "answers" VALUES(36,'q4','A');
INSERT INTO "answers" VALUES(36,'q5','A');
INSERT INTO "answers" VALUES(37,'age','C');
INSERT INTO "answers" VALUES(37,'gender','A');
INSERT INTO "answers" VALUES(37,'q1','D');
INSERT INTO "answers" VALUES(37,'q2','A');
INSERT INTO "answers" VALUES(37,'q3','A');
INSERT INTO "answers" VALUES(37,'q4','B');
INSERT INTO "answers" VALUES(37,'q5','A');
INSERT INTO "answers" VALUES(38,'age','C');
INSERT INTO "answers" VALUES(38,'gender','A');
INSERT INTO "answers" VALUES(38,'q1','A');
INSERT INTO "answers" VALUES(38,'q2','A');
INSERT INTO "answers" VALUES(38,'q3','A');
INSERT INTO "answers" VALUES(38,'q4','A');
INSERT INTO "answers" VALUES(38,'q5','A');
INSERT INTO "answers" VALUES(39,'age','C');
INSERT INTO "answers" VALUES(39,'gender','A');
INSERT INTO "answers" VALUES(39,'q1','A');
INSERT INTO "answers" VALUES(39,'q2','B');
INSERT INTO "answers" VALUES(39,'q3','C');
INSERT INTO "answers" VALUES(39,'q4','A');
INSERT INTO "answers" VALUES(39,'q5','A');
INSERT INTO "answers" VALUES(40,'age','C');
INSERT INTO "answers" VALUES(40,'gender','B');
INSERT INTO "answers" VALUES(40,'q1','B');
INSERT INTO "answers" VALUES(40,'q2','A');
INSERT INTO "answers" VALUES(40,'q3','A');
INSERT INTO "answers" VALUES(40,'q4','B');
INSERT INTO "answers" VALUES(40,'q5','B');
INSERT INTO "answers" VALUES(41,'age','C');
INSERT INTO "answers" VALUES(41,'gender','B');
INSERT INTO "answers" VALUES(41,'q1','C');
INSERT INTO "answers" VALUES(41,'q2','A');
INSERT INTO "answers" VALUES(41,'q3','A');
INSERT INTO "answers" VALUES(41,'q4','A');
INSERT INTO "answers" VALUES(41,'q5','A');
INSERT INTO "answers" VALUES(42,'age','C');
INSERT INTO "answers" VALUES(42,'gender','B');
INSERT INTO "answers" VALUES(42,'q1','A');
INSERT INTO "answers" VALUES(42,'q2','A');
INSERT INTO "answers" VALUES(42,'q3','C');
INSERT INTO "answers" VALUES(42,'q4','A');
INSERT INTO "answers" VALUES(42,'q5','A');
INSERT INTO "answers" VALUES(43,'age','C');
INSERT INTO "answers" VALUES(43,'gender','B');
INSERT INTO "answers" VALUES(43,'q1','A');
INSERT INTO "answers" VALUES(43,'q2','C');
INSERT INTO "answers" VALUES(43,'q3','A');
INSERT INTO "answers" VALUES(43,'q4','D');
INSERT INTO "answers" VALUES(43,'q5','A');
INSERT INTO "answers" VALUES(44,'age','C');
INSERT INTO "answers" VALUES(44,'gender','A');
INSERT INTO "answers" VALUES(44,'q1','A');
INSERT INTO "answers" VALUES(44,'q2','A');
INSERT INTO "answers" VALUES(44,'q3','A');
INSERT INTO "answers" VALUES(44,'q4','A');
INSERT INTO "answers" VALUES(44,'q5','A');
INSERT INTO "answers" VALUES(45,'age','C');
INSERT INTO "answers" VALUES(45,'gender','A');
INSERT INTO "answers" VALUES(45,'q1','B');
INSERT INTO "answers" VALUES(45,'q2','A');
INSERT INTO "answers" VALUES(45,'q3','D');
INSERT INTO "answers" VALUES(45,'q4','B');
INSERT INTO "answers" VALUES(45,'q5','A');
INSERT INTO "answers" VALUES(46,'age','C');
INSERT INTO "answers" VALUES(46,'gender','A');
INSERT INTO "answers" VALUES(46,'q1','D');
INSERT INTO "answers" VALUES(46,'q2','A');
INSERT INTO "answers" VALUES(46,'q3','A');
INSERT INTO "answers" VALUES(46,'q4','A');
INSERT INTO "answers" VALUES(46,'q5','A');
INSERT INTO "answers" VALUES(47,'age','C');
INSERT INTO "answers" VALUES(47,'gender','B');
INSERT INTO "answers" VALUES(47,'q1','A');
INSERT INTO "answers" VALUES(47,'q2','D');
INSERT INTO "answers" VALUES(47,'q3','A');
INSERT INTO "answers" VALUES(47,'q4','A');
INSERT INTO "answers" VALUES(47,'q5','A');
INSERT INTO "answers" VALUES(48,'age','D');
INSERT INTO "answers" VALUES(48,'gender','B');
INSERT INTO "answers" VALUES(48,'q1','A');
INSERT INTO "answers" VALUES(48,'q2','A');
INSERT INTO "answers" VALUES(48,'q3','D');
INSERT INTO "answers" VALUES(48,'q4','B');
INSERT INTO "answers" VALUES(48,'q5','A');
INSERT INTO "answers" VALUES(49,'age','D');
INSERT INTO "answers" VALUES(49,'gender','B');
INSERT INTO "answers" VALUES(49,'q1','B');
INSERT INTO "answers" VALUES(49,'q2','A');
INSERT INTO "answers" VALUES(49,'q3','A');
INSERT INTO "answers" VALUES(49,'q4','A');
INSERT INTO "answers" VALUES(49,'q5','A');
INSERT INTO "answers" VALUES(50,'age','D');
INSERT INTO "answers" VALUES(50,'gender','B');
INSERT INTO "answers" VALUES(50,'q1','C');
INSERT INTO "answers" VALUES(50,'q2','A');
INSERT INTO "answers" VALUES(50,'q3','A');
INSERT INTO "answers" VALUES(50,'q4','A');
INSERT INTO "answers" VALUES(50,'q5','A');
CREATE TABLE "audit_log" (
   "id" INTEGER PRIMARY KEY,
   "at" TEXT,
   "user" TEXT,
   "action" TEXT,
   "survey_id" INTEGER,
   "response_id" INTEGER,
   "detail" TEXT
);
INSERT INTO "audit_log" VALUES(1,'2026-12-03T22:40:34.693075+00:00','demo','exclude',1,3,'测试剔除');
CREATE TABLE "grants" (
   "user_id" INTEGER REFERENCES "users"("id"),
   "survey_id" INTEGER REFERENCES "surveys"("id"),
   "created_at" TEXT,
   PRIMARY KEY ("user_id", "survey_id")
);
INSERT INTO "grants" VALUES(1,1,'2026-12-03T22:40:16.972864+00:00');
CREATE TABLE "login_attempts" (
   "id" INTEGER PRIMARY KEY,
   "at" TEXT NOT NULL,
   "username" TEXT NOT NULL,
   "client_hash" TEXT,
   "success" INTEGER NOT NULL
);
CREATE TABLE "points" (
   "id" INTEGER PRIMARY KEY,
   "survey_id" INTEGER REFERENCES "surveys"("id"),
   "name" TEXT NOT NULL,
   "code" TEXT NOT NULL,
   "created_at" TEXT
);
INSERT INTO "points" VALUES(1,1,'业务大厅','c9f78bjx','2026-12-03T22:40:16.493070+00:00');
INSERT INTO "points" VALUES(2,1,'1号窗口','tm937mys','2026-12-03T22:40:16.496240+00:00');
INSERT INTO "points" VALUES(3,1,'2号窗口','dwcvqbx7','2026-12-03T22:40:34.701466+00:00');
CREATE TABLE "response_counts" (
   "survey_id" INTEGER,
   "point_id" INTEGER,
   "hour" TEXT,
   "status" TEXT,
   "n" INTEGER,
   PRIMARY KEY ("survey_id", "point_id", "hour", "status")
);
INSERT INTO "response_counts" VALUES(1,1,'2026-12-03T22','valid',29);
INSERT INTO "response_counts" VALUES(1,2,'2026-12-03T22','valid',20);
INSERT INTO "response_counts" VALUES(1,1,'2026-12-03T22','excluded',1);
CREATE TABLE "responses" (
   "id" INTEGER PRIMARY KEY,
   "survey_id" INTEGER NOT NULL REFERENCES "surveys"("id"),
   "point_id" INTEGER NOT NULL REFERENCES "points"("id"),
   "questionnaire_version" INTEGER,
   "submission_key" TEXT NOT NULL,
   "submitted_at" TEXT NOT NULL,
   "seconds_on_page" INTEGER,
   "language" TEXT,
   "device_hash" TEXT,
   "status" TEXT NOT NULL DEFAULT 'valid',
   "exclude_reason" TEXT,
   "prev_hash" TEXT,
   "hash" TEXT NOT NULL
);
INSERT INTO "responses" VALUES(1,1,1,1,'demo-yining-0','2026-12-03T22:40:16.496962+00:00',35,'zh-CN',NULL,'valid',NULL,'','9fdb8a86651954d97dc08880a40c5a689f7f938cdcba0181738bcd76cb5d6a28');
INSERT INTO "responses" VALUES(2,1,1,1,'demo-yining-1','2026-12-03T22:40:16.499989+00:00',36,'zh-CN',NULL,'valid',NULL,'9fdb8a86651954d97dc08880a40c5a689f7f938cdcba0181738bcd76cb5d6a28','d3ff764b70ef9fa149f1687c2ac03e0746439f9b9f8ce7492ba8d9c74c73b8d3');
INSERT INTO "responses" VALUES(3,1,1,1,'demo-yining-2','2026-12-03T22:40:16.500521+00:00',37,'zh-CN',NULL,'excluded','测试剔除','d3ff764b70ef9fa149f1687c2ac03e0746439f9b9f8ce7492ba8d9c74c73b8d3','6b1237dd20224ab422359074094c21b87bd35f1c22f84c34210d9797c1b5abcd');
INSERT INTO "responses" VALUES(4,1,1,1,'demo-yining-3','2026-12-03T22:40:16.503392+00:00',38,'zh-CN',NULL,'valid',NULL,'6b1237dd20224ab422359074094c21b87bd35f1c22f84c34210d9797c1b5abcd','7124c1470a8200c4d2f15da04b7e4ee28ae240dd9546645459ebd77d76c3d3f0');
INSERT INTO "responses" VALUES(5,1,1,1,'demo-yining-4','2026-12-03T22:40:16.503939+00:00',39,'zh-CN',NULL,'valid',NULL,'7124c1470a8200c4d2f15da04b7e4ee28ae240dd9546645459ebd77d76c3d3f0','8a76627d7d25279601913986215ff3da65c1629783e7bd14a975b95149d334c9');
INSERT INTO "responses" VALUES(6,1,1,1,'demo-yining-5','2026-12-03T22:40:16.506712+00:00',40,'zh-CN',NULL,'valid',NULL,'8a76627d7d25279601913986215ff3da65c1629783e7bd14a975b95149d334c9','fed6ca3ea46b03798cafcaef7924ec51b76ff18aff647de70f6d6c42c18f400c');
INSERT INTO "responses" VALUES(7,1,1,1,'demo-yining-6','2026-12-03T22:40:16.507383+00:00',41,'zh-CN',NULL,'valid',NULL,'fed6ca3ea46b03798cafcaef7924ec51b76ff18aff647de70f6d6c42c18f400c','3ce2295da66cf1877aa99c8472d2c8823b3461c4f536832c4e8c7a4d42c03ec8');
INSERT INTO "responses" VALUES(8,1,1,1,'demo-yining-7','2026-12-03T22:40:16.509994+00:00',42,'zh-CN',NULL,'valid',NULL,'3ce2295da66cf1877aa99c8472d2c8823b3461c4f536832c4e8c7a4d42c03ec8','01e7600a749024d83c65b71ee345967703936e0c68254c8d318f444e11859133');
INSERT INTO "responses" VALUES(9,1,1,1,'demo-yining-8','2026-12-03T22:40:16.510657+00:00',43,'zh-CN',NULL,'valid',NULL,'01e7600a749024d83c65b71ee345967703936e0c68254c8d318f444e11859133','ce96540aae9be3ac09aedaecdbb16cf8a89a6e71d46c119d27e18ec80791c085');
INSERT INTO "responses" VALUES(10,1,1,1,'demo-yining-9','2026-12-03T22:40:16.515783+00:00',44,'zh-CN',NULL,'valid',NULL,'ce96540aae9be3ac09aedaecdbb16cf8a89a6e71d46c119d27e18ec80791c085','288eca8e777cd16af61a14ff0b80111440a337d36a473c501167c1f4a612cdbd');
INSERT INTO "responses" VALUES(11,1,1,1,'demo-yining-10','2026-12-03T22:40:16.516399+00:00',45,'zh-CN',NULL,'valid',NULL,'288eca8e777cd16af61a14ff0b80111440a337d36a473c501167c1f4a612cdbd','5db15a2a43d4955625a3ae453866a1a22b8a20b7ff92894a5e0ab1ceb7035313');
INSERT INTO "responses" VALUES(12,1,1,1,'demo-yining-11','2026-12-03T22:40:16.521550+00:00',46,'zh-CN',NULL,'valid',NULL,'5db15a2a43d4955625a3ae453866a1a22b8a20b7ff92894a5e0ab1ceb7035313','68c6739e81244a74c0e869bbafd13c9e7667494977b5874ff0c5805e3e6ce538');
INSERT INTO "responses" VALUES(13,1,1,1,'demo-yining-12','2026-12-03T22:40:16.522186+00:00',47,'zh-CN',NULL,'valid',NULL,'68c6739e81244a74c0e869bbafd13c9e7667494977b5874ff0c5805e3e6ce538','92fade8e39d89feffcbdc156079e964864986137937a33112a241a985872ed5f');
INSERT INTO "responses" VALUES(14,1,1,1,'demo-yining-13','2026-12-03T22:40:16.527211+00:00',48,'zh-CN',NULL,'valid',NULL,'92fade8e39d89feffcbdc156079e964864986137937a33112a241a985872ed5f','7b4487cd3b8d2bbc8f60bddfeb9b6dec4290fd9aff5879ad828b272592cea4c3');
INSERT INTO "responses" VALUES(15,1,1,1,'demo-yining-14','2026-12-03T22:40:16.527816+00:00',49,'zh-CN',NULL,'valid',NULL,'7b4487cd3b8d2bbc8f60bddfeb9b6dec4290fd9aff5879ad828b272592cea4c3','35c580ebbf33afb80e58966a9689c61f4fd903d6182d00d913c233691d21c6f3');
INSERT INTO "responses" VALUES(16,1,1,1,'demo-yining-15','2026-12-03T22:40:16.530687+00:00',50,'zh-CN',NULL,'valid',NULL,'35c580ebbf33afb80e58966a9689c61f4fd903d6182d00d913c233691d21c6f3','257a414249c06d55e527a5c2aa7194a42c538ba3dd1e2ac5361049dea43f5d2d');
INSERT INTO "responses" VALUES(17,1,1,1,'demo-yining-16','2026-12-03T22:40:16.531318+00:00',51,'zh-CN',NULL,'valid',NULL,'257a414249c06d55e527a5c2aa7194a42c538ba3dd1e2ac5361049dea43f5d2d','943edb486ab26a1ab4deaedccb6c60d9ed62d96fab174e592487b48f659380c9');
INSERT INTO "responses" VALUES(18,1,1,1,'demo-yining-17','2026-12-03T22:40:16.533968+00:00',52,'zh-CN',NULL,'valid',NULL,'943edb486ab26a1ab4deaedccb6c60d9ed62d96fab174e592487b48f659380c9','35887783c11553730521ea55b0ac549f08f0023d845baa675120a658ccc10f2d');
INSERT INTO "responses" VALUES(19,1,1,1,'demo-yining-18','2026-12-03T22:40:16.534569+00:00',53,'zh-CN',NULL,'valid',NULL,'35887783c11553730521ea55b0ac549f08f0023d845baa675120a658ccc10f2d','a9cd2e7ddd9576a2ce197d1aa388b2d5189056746f8d3a33f67b455bd690e80c');
INSERT INTO "responses" VALUES(20,1,1,1,'demo-yining-19','2026-12-03T22:40:16.535184+00:00',54,'zh-CN',NULL,'valid',NULL,'a9cd2e7ddd9576a2ce197d1aa388b2d5189056746f8d3a33f67b455bd690e80c','07e4a42340b516536b35abe36e6033e9c6413b91f7db45bc5585ded1b4c0b07f');
INSERT INTO "responses" VALUES(21,1,1,1,'demo-yining-20','2026-12-03T22:40:16.539978+00:00',55,'zh-CN',NULL,'valid',NULL,'07e4a42340b516536b35abe36e6033e9c6413b91f7db45bc5585ded1b4c0b07f','7d41f176ca5f91996fa8ffb9cdf4e2951a086f2ef49ecbee583e4780ac802d2f');
INSERT INTO "responses" VALUES(22,1,1,1,'demo-yining-21','2026-12-03T22:40:16.540545+00:00',56,'zh-CN',NULL,'valid',NULL,'7d41f176ca5f91996fa8ffb9cdf4e2951a086f2ef49ecbee583e4780ac802d2f','7ca3a6eb3ba2696306dd37ccd48a9630ecc62d2cccffb8887297f687366be1f1');
INSERT INTO "responses" VALUES(23,1,1,1,'demo-yining-22','2026-12-03T22:40:16.543551+00:00',57,'zh-CN',NULL,'valid',NULL,'7ca3a6eb3ba2696306dd37ccd48a9630ecc62d2cccffb8887297f687366be1f1','c6cfb07753a92d66d21d236cd5d4dce1e4ee925ea0542e8a0384cae47ab7f7a6');
INSERT INTO "responses" VALUES(24,1,1,1,'demo-yining-23','2026-12-03T22:40:16.549579+00:00',58,'zh-CN',NULL,'valid',NULL,'c6cfb07753a92d66d21d236cd5d4dce1e4ee925ea0542e8a0384cae47ab7f7a6','22ebe1fc58d70f31a64b93ad2e50ef0ab34a72ad1686e256f9771bfcd2d97966');
INSERT INTO "responses" VALUES(25,1,1,1,'demo-yining-24','2026-12-03T22:40:16.552105+00:00',59,'zh-CN',NULL,'valid',NULL,'22ebe1fc58d70f31a64b93ad2e50ef0ab34a72ad1686e256f9771bfcd2d97966','db2feddf9b71f3b32a54fc331d13a3fe7d66a8919e8e534bec3a5c17ae30c7c1');
INSERT INTO "responses" VALUES(26,1,1,1,'demo-yining-25','2026-12-03T22:40:16.557554+00:00',60,'zh-CN',NULL,'valid',NULL,'db2feddf9b71f3b32a54fc331d13a3fe7d66a8919e8e534bec3a5c17ae30c7c1','a4a476305c4ecc755a6cf14185c409a7e19591e2d30758649a3290b330218492');
INSERT INTO "responses" VALUES(27,1,1,1,'demo-yining-26','2026-12-03T22:40:16.561533+00:00',61,'zh-CN',NULL,'valid',NULL,'a4a476305c4ecc755a6cf14185c409a7e19591e2d30758649a3290b330218492','c2c411ca962363763667ed283f18bc94d4980df0b2ee92308b59333176c7ba40');
INSERT INTO "responses" VALUES(28,1,1,1,'demo-yining-27','2026-12-03T22:40:16.565576+00:00',62,'zh-CN',NULL,'valid',NULL,'c2c411ca962363763667ed283f18bc94d4980df0b2ee92308b59333176c7ba40','5db1696d1b4d117ab4fa88a21223d5ffc5048f16ec8ed7fb0b3fd36163a8f0c4');
INSERT INTO "responses" VALUES(29,1,1,1,'demo-yining-28','2026-12-03T22:40:16.569548+00:00',63,'zh-CN',NULL,'valid',NULL,'5db1696d1b4d117ab4fa88a21223d5ffc5048f16ec8ed7fb0b3fd36163a8f0c4','1c49b763e626a1ff41f778104105fca977abb8102a13003f0150aa93bede39d3');
INSERT INTO "responses" VALUES(30,1,1,1,'demo-yining-29','2026-12-03T22:40:16.570630+00:00',64,'zh-CN',NULL,'valid',NULL,'1c49b763e626a1ff41f778104105fca977abb8102a13003f0150aa93bede39d3','9ff6986011fda765a73c1c6b16ec6c691df5a1af7d1cae37d9e0e713da5f4be1');
INSERT INTO "responses" VALUES(31,1,2,1,'demo-yining-30','2026-12-03T22:40:16.572050+00:00',65,'zh-CN',NULL,'valid',NULL,'9ff6986011fda765a73c1c6b16ec6c691df5a1af7d1cae37d9e0e713da5f4be1','19d5fed3538029fa4b437d97516fb070680afe3fd9e9176e9513192419dd3b1e');
INSERT INTO "responses" VALUES(32,1,2,1,'demo-yining-31','2026-12-03T22:40:16.573505+00:00',66,'zh-CN',NULL,'valid',NULL,'19d5fed3538029fa4b437d97516fb070680afe3fd9e9176e9513192419dd3b1e','2d6ac21a40f180ea3f3f9351fda65c61ca0343b637d132cbd83ae6cd5f33aad3');
INSERT INTO "responses" VALUES(33,1,2,1,'demo-yining-32','2026-12-03T22:40:16.574283+00:00',67,'zh-CN',NULL,'valid',NULL,'2d6ac21a40f180ea3f3f9351fda65c61ca0343b637d132cbd83ae6cd5f33aad3','6dbac6200f0b9714f5f31f1a098d32e049b246e4096fa99c0fd03afd2da97bd7');
INSERT INTO "responses" VALUES(34,1,2,1,'demo-yining-33','2026-12-03T22:40:16.577562+00:00',68,'zh-CN',NULL,'valid',NULL,'6dbac6200f0b9714f5f31f1a098d32e049b246e4096fa99c0fd03afd2da97bd7','1c01b34a29ea238a952efa56033714719f37b156ac2df718ffda1bf6590f49c0');
INSERT INTO "responses" VALUES(35,1,2,1,'demo-yining-34','2026-12-03T22:40:16.581531+00:00',69,'zh-CN',NULL,'valid',NULL,'1c01b34a29ea238a952efa56033714719f37b156ac2df718ffda1bf6590f49c0','73e3378bafa44892e68f7e42efff55bb3c373e2106e97e9d3db4e0f7ec6e6ebb');
INSERT INTO "responses" VALUES(36,1,2,1,'demo-yining-35','2026-12-03T22:40:16.585530+00:00',70,'zh-CN',NULL,'valid',NULL,'73e3378bafa44892e68f7e42efff55bb3c373e2106e97e9d3db4e0f7ec6e6ebb','14b15700c243006ffa3d6dcb5e6b44813301ddb38804ec89b83edf05b0e19808');
INSERT INTO "responses" VALUES(37,1,2,1,'demo-yining-36','2026-12-03T22:40:16.589557+00:00',71,'zh-CN',NULL,'valid',NULL,'14b15700c243006ffa3d6dcb5e6b44813301ddb38804ec89b83edf05b0e19808','4f4a95136295ee5c614c2b542dfbd25ea7d26b4d5bb06df842cbf1c488772952');
INSERT INTO "responses" VALUES(38,1,2,1,'demo-yining-37','2026-12-03T22:40:16.593284+00:00',72,'zh-CN',NULL,'valid',NULL,'4f4a95136295ee5c614c2b542dfbd25ea7d26b4d5bb06df842cbf1c488772952','20465bcaa95c500702c56da2150d7953943770167659b7b1b95bebb2006aaf7e');
INSERT INTO "responses" VALUES(39,1,2,1,'demo-yining-38','2026-12-03T22:40:16.595379+00:00',73,'zh-CN',NULL,'valid',NULL,'20465bcaa95c500702c56da2150d7953943770167659b7b1b95bebb2006aaf7e','1c746da8c4eccca309b79889c920253dc632334a9b40d8d196e6e1ad4e362a1b');
INSERT INTO "responses" VALUES(40,1,2,1,'demo-yining-39','2026-12-03T22:40:16.600659+00:00',74,'zh-CN',NULL,'valid',NULL,'1c746da8c4eccca309b79889c920253dc632334a9b40d8d196e6e1ad4e362a1b','831677751f4a746637476da77bca817e3906c8721c7a2629e9648c950388a43a');
INSERT INTO "responses" VALUES(41,1,2,1,'demo-yining-40','2026-12-03T22:40:16.602290+00:00',35,'zh-CN',NULL,'valid',NULL,'831677751f4a746637476da77bca817e3906c8721c7a2629e9648c950388a43a','31395c48d5f5d722fa72a303d033c065665f38d40f99dd58fb96b393e305fb10');
INSERT INTO "responses" VALUES(42,1,2,1,'demo-yining-41','2026-12-03T22:40:16.606610+00:00',36,'zh-CN',NULL,'valid',NULL,'31395c48d5f5d722fa72a303d033c065665f38d40f99dd58fb96b393e305fb10','cabdb453b750fa3db8a8d907a699a1b58aaee7f695de44198f5a16c6d37d9da6');
INSERT INTO "responses" VALUES(43,1,2,1,'demo-yining-42','2026-12-03T22:40:16.609826+00:00',37,'zh-CN',NULL,'valid',NULL,'cabdb453b750fa3db8a8d907a699a1b58aaee7f695de44198f5a16c6d37d9da6','16ec401f10d03d5ea8f45f63b7a28cb868adca72e24a13ac48c0299525cf76ed');
INSERT INTO "responses" VALUES(44,1,2,1,'demo-yining-43','2026-12-03T22:40:16.611440+00:00',38,'zh-CN',NULL,'valid',NULL,'16ec401f10d03d5ea8f45f63b7a28cb868adca72e24a13ac48c0299525cf76ed','fa578c871eaebe44aa0ddef07bb823b31646d6d350bc976ed294050ef9989e80');
INSERT INTO "responses" VALUES(45,1,2,1,'demo-yining-44','2026-12-03T22:40:16.614108+00:00',39,'zh-CN',NULL,'valid',NULL,'fa578c871eaebe44aa0ddef07bb823b31646d6d350bc976ed294050ef9989e80','df01bee34041eeb7ed33d25a45cbd8e6b96078ab0c3fe0c8a4effc012e183d03');
INSERT INTO "responses" VALUES(46,1,2,1,'demo-yining-45','2026-12-03T22:40:16.616086+00:00',40,'zh-CN',NULL,'valid',NULL,'df01bee34041eeb7ed33d25a45cbd8e6b96078ab0c3fe0c8a4effc012e183d03','73285057e498a98a7775308037413d1d71737da2c4fca53bc038cfa199478551');
INSERT INTO "responses" VALUES(47,1,2,1,'demo-yining-46','2026-12-03T22:40:16.616658+00:00',41,'zh-CN',NULL,'valid',NULL,'73285057e498a98a7775308037413d1d71737da2c4fca53bc038cfa199478551','301db5f285b13387147621bfb36d45f0a15e639af17c0bbf067071105c305005');
INSERT INTO "responses" VALUES(48,1,2,1,'demo-yining-47','2026-12-03T22:40:16.619884+00:00',42,'zh-CN',NULL,'valid',NULL,'301db5f285b13387147621bfb36d45f0a15e639af17c0bbf067071105c305005','702e4789d0041d6df5836c96855f612709e637727a5b13e3d6c14330c5ea4070');
INSERT INTO "responses" VALUES(49,1,2,1,'demo-yining-48','2026-12-03T22:40:16.620518+00:00',43,'zh-CN',NULL,'valid',NULL,'702e4789d0041d6df5836c96855f612709e637727a5b13e3d6c14330c5ea4070','ecfa80f55b47a1af38b8e71c8a450fc4ce151e3b6d18bf808bfcfdee89256941');
INSERT INTO "responses" VALUES(50,1,2,1,'demo-yining-49','2026-12-03T22:40:16.624098+00:00',44,'zh-CN',NULL,'valid',NULL,'ecfa80f55b47a1af38b8e71c8a450fc4ce151e3b6d18bf808bfcfdee89256941','6fe7e058b94db4d8a7fa47bd638a4056157230b96cbd3ed242575c7a8125610b');
CREATE TABLE "surveys" (
   "id" INTEGER PRIMARY KEY,
   "questionnaire_id" TEXT NOT NULL,
   "questionnaire_version" INTEGER NOT NULL,
   "title" TEXT NOT NULL,
   "department" TEXT,
   "year" INTEGER,
   "evaluator_org" TEXT,
   "target" REAL DEFAULT 95.0,
   "target_n" INTEGER DEFAULT 50,
   "population" INTEGER,
   "opens_on" TEXT,
   "closes_on" TEXT,
   "status" TEXT NOT NULL DEFAULT 'open',
   "rule" TEXT DEFAULT 'xinjiang-c51',
   "c51_figure" TEXT DEFAULT 'headline',
   "background" TEXT,
   "subjects" TEXT,
   "created_at" TEXT
);
INSERT INTO "surveys" VALUES(1,'yining-2024-public',1,'2024年伊宁市医疗保障局部门整体绩效满意度调查（演示）','伊宁市医疗保障局',2024,'新疆政通众和商务咨询有限公司',90.0,50,NULL,NULL,NULL,'open','xinjiang-c51','headline',NULL,NULL,'2026-12-03T22:40:16.490804+00:00');
CREATE TABLE "tallies" (
   "survey_id" INTEGER REFERENCES "surveys"("id"),
   "point_id" INTEGER REFERENCES "points"("id"),
   "question_id" TEXT,
   "value" TEXT,
   "n" INTEGER,
   PRIMARY KEY ("survey_id", "question_id", "value", "point_id")
);
INSERT INTO "tallies" VALUES(1,1,'age','A',10);
INSERT INTO "tallies" VALUES(1,1,'gender','A',13);
INSERT INTO "tallies" VALUES(1,1,'q1','A',17);
INSERT INTO "tallies" VALUES(1,1,'q2','A',24);
INSERT INTO "tallies" VALUES(1,1,'q3','A',23);
INSERT INTO "tallies" VALUES(1,1,'q4','A',20);
INSERT INTO "tallies" VALUES(1,1,'q5','A',27);
INSERT INTO "tallies" VALUES(1,1,'q4','B',6);
INSERT INTO "tallies" VALUES(1,1,'q5','B',0);
INSERT INTO "tallies" VALUES(1,1,'q1','B',6);
INSERT INTO "tallies" VALUES(1,1,'gender','B',16);
INSERT INTO "tallies" VALUES(1,1,'q1','C',3);
INSERT INTO "tallies" VALUES(1,1,'q4','C',2);
INSERT INTO "tallies" VALUES(1,1,'q2','B',2);
INSERT INTO "tallies" VALUES(1,1,'q1','E',2);
INSERT INTO "tallies" VALUES(1,1,'age','B',19);
INSERT INTO "tallies" VALUES(1,1,'q5','C',2);
INSERT INTO "tallies" VALUES(1,1,'q3','B',6);
INSERT INTO "tallies" VALUES(1,1,'q2','C',2);
INSERT INTO "tallies" VALUES(1,1,'q4','D',1);
INSERT INTO "tallies" VALUES(1,1,'q2','D',1);
INSERT INTO "tallies" VALUES(1,1,'q1','D',1);
INSERT INTO "tallies" VALUES(1,2,'age','C',17);
INSERT INTO "tallies" VALUES(1,2,'gender','A',8);
INSERT INTO "tallies" VALUES(1,2,'q1','B',5);
INSERT INTO "tallies" VALUES(1,2,'q2','A',16);
INSERT INTO "tallies" VALUES(1,2,'q3','A',14);
INSERT INTO "tallies" VALUES(1,2,'q4','A',13);
INSERT INTO "tallies" VALUES(1,2,'q5','A',19);
INSERT INTO "tallies" VALUES(1,2,'q1','C',3);
INSERT INTO "tallies" VALUES(1,2,'q4','B',5);
INSERT INTO "tallies" VALUES(1,2,'gender','B',12);
INSERT INTO "tallies" VALUES(1,2,'q1','A',10);
INSERT INTO "tallies" VALUES(1,2,'q3','C',4);
INSERT INTO "tallies" VALUES(1,2,'q2','B',2);
INSERT INTO "tallies" VALUES(1,2,'q4','C',1);
INSERT INTO "tallies" VALUES(1,2,'q1','D',2);
INSERT INTO "tallies" VALUES(1,2,'q5','B',1);
INSERT INTO "tallies" VALUES(1,2,'q2','C',1);
INSERT INTO "tallies" VALUES(1,2,'q4','D',1);
INSERT INTO "tallies" VALUES(1,2,'q3','D',2);
INSERT INTO "tallies" VALUES(1,2,'q2','D',1);
INSERT INTO "tallies" VALUES(1,2,'age','D',3);
CREATE TABLE "users" (
   "id" INTEGER PRIMARY KEY,
   "username" TEXT NOT NULL,
   "password_hash" TEXT NOT NULL,
   "created_at" TEXT
);
INSERT INTO "users" VALUES(1,'demo','scrypt:32768:8:1$rPaPmDWEqPs0vKoQ$5d097e23ada6bfcaed414813a93cff828ee0e5c8f74a722e154374440e691b80f7d6b752d0336b5494c07339efb69f2938fd8e3f905ad0f9150cc2507e9e6a95','2026-12-03T22:40:16.966913+00:00');
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
CREATE UNIQUE INDEX "idx_points_code"
    ON "points" ("code");
CREATE UNIQUE INDEX "idx_points_survey_id_name"
    ON "points" ("survey_id", "name");
CREATE UNIQUE INDEX "idx_responses_submission_key"
    ON "responses" ("submission_key");
CREATE UNIQUE INDEX "idx_users_username"
    ON "users" ("username");
CREATE INDEX "idx_grants_survey_id"
    ON "grants" ("survey_id");
CREATE INDEX "idx_login_attempts_username_at"
    ON "login_attempts" ("username", "at");
CREATE INDEX "idx_login_attempts_client_hash_at"
    ON "login_attempts" ("client_hash", "at");
CREATE INDEX "idx_login_attempts_at"
    ON "login_attempts" ("at");
CREATE INDEX "idx_responses_survey_id_status"
    ON "responses" ("survey_id", "status");
CREATE INDEX "idx_responses_survey_id_device_hash"
    ON "responses" ("survey_id", "device_hash");
CREATE INDEX "idx_responses_survey_id_seconds_on_page"
    ON "responses" ("survey_id", "seconds_on_page");
CREATE INDEX "idx_responses_survey_id_id"
    ON "responses" ("survey_id", "id");
COMMIT;
