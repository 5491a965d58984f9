BEGIN TRANSACTION;
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
INSERT INTO "_sqlite_migrations" VALUES(1,'manyi','m001_wal','2026-12-03 22:38:15.975274+00:00');
INSERT INTO "_sqlite_migrations" VALUES(2,'manyi','m002_core','2026-12-03 22:38:15.983277+00:00');
INSERT INTO "_sqlite_migrations" VALUES(3,'manyi','m003_response_counts','2026-12-03 22:38:15.984462+00:00');
INSERT INTO "_sqlite_migrations" VALUES(4,'manyi','m004_evaluators','2026-12-03 22:38:15.988094+00:00');
INSERT INTO "_sqlite_migrations" VALUES(5,'manyi','m005_review_order','2026-12-03 22:38:15.988674+00:00');
INSERT INTO "_sqlite_migrations" VALUES(6,'manyi','m006_fewer_submit_pages','2026-12-03 22:38:15.989221+00:00');
INSERT INTO "_sqlite_migrations" VALUES(7,'manyi','m007_point_chains','2026-12-03 22:38:15.989841+00:00');
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
INSERT INTO "audit_log" VALUES(1,'2026-12-03T22:38:24.213829+00:00','demo','exclude',1,3,'测试剔除');
INSERT INTO "audit_log" VALUES(2,'2026-12-03T22:38:24.221682+00:00','demo','settings',1,NULL,'target 95 → 90');
CREATE TABLE chain_heads (point_id integer primary key references points(id), response_id integer not null, hash text not null);
INSERT INTO "chain_heads" VALUES(1,30,'3ae8db1470238b9624175e6ef6657cda0920724b11af4a4ee9087890a2aa6bec');
INSERT INTO "chain_heads" VALUES(2,50,'4729e493be1dd5e942dedbdd534c74fd7a48ab959ce83320101c0928ec7d6796');
INSERT INTO "chain_heads" VALUES(3,0,'');
CREATE TABLE "grants" (
   "user_id" INTEGER REFERENCES "users"("id"),
   "survey_id" INTEGER REFERENCES "surveys"("id"),
   "created_at" TEXT,
   PRIMARY KEY ("user_id", "survey_id")
);
INSERT INTO "grants" VALUES(1,1,'2026-12-03T22:38:16.366294+00:00');
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
INSERT INTO "points" VALUES(1,1,'业务大厅','qbgfmh68','2026-12-03T22:38:16.064128+00:00');
INSERT INTO "points" VALUES(2,1,'1号窗口','wuc5gj9k','2026-12-03T22:38:16.064577+00:00');
INSERT INTO "points" VALUES(3,1,'2号窗口','gxcnss8s','2026-12-03T22:38:24.225647+00:00');
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
INSERT INTO "responses" VALUES(1,1,1,1,'demo-yining-0','2026-12-03T22:38:16.065031+00:00',35,'zh-CN',NULL,'valid',NULL,'','56eec88abda28658a4163521d72ba96626299079b44b8974be205e8d9ccab48c');
INSERT INTO "responses" VALUES(2,1,1,1,'demo-yining-1','2026-12-03T22:38:16.065784+00:00',36,'zh-CN',NULL,'valid',NULL,'56eec88abda28658a4163521d72ba96626299079b44b8974be205e8d9ccab48c','f5ac88ce6b6fcd9cabe9ab911a514e9d0412b70d82b76d69f5a5f44175e2facd');
INSERT INTO "responses" VALUES(3,1,1,1,'demo-yining-2','2026-12-03T22:38:16.066269+00:00',37,'zh-CN',NULL,'excluded','测试剔除','f5ac88ce6b6fcd9cabe9ab911a514e9d0412b70d82b76d69f5a5f44175e2facd','0602ccbb94a4207e831457034995fcdd763e2d44ebcf578ec420e02bf0537c9a');
INSERT INTO "responses" VALUES(4,1,1,1,'demo-yining-3','2026-12-03T22:38:16.066711+00:00',38,'zh-CN',NULL,'valid',NULL,'0602ccbb94a4207e831457034995fcdd763e2d44ebcf578ec420e02bf0537c9a','56e197314863557eecaeeeb9f22d592818823a59076bd7d9313f80dd661fe489');
INSERT INTO "responses" VALUES(5,1,1,1,'demo-yining-4','2026-12-03T22:38:16.067179+00:00',39,'zh-CN',NULL,'valid',NULL,'56e197314863557eecaeeeb9f22d592818823a59076bd7d9313f80dd661fe489','cbe0a3e7e19ee111cfed862cb0f48638fe2107cdccd9491caf215825e3e271a9');
INSERT INTO "responses" VALUES(6,1,1,1,'demo-yining-5','2026-12-03T22:38:16.067604+00:00',40,'zh-CN',NULL,'valid',NULL,'cbe0a3e7e19ee111cfed862cb0f48638fe2107cdccd9491caf215825e3e271a9','b8e1cbc220ad24935fdd8b435fc21fd42fe24341601576736ed2f5da73a33548');
INSERT INTO "responses" VALUES(7,1,1,1,'demo-yining-6','2026-12-03T22:38:16.068041+00:00',41,'zh-CN',NULL,'valid',NULL,'b8e1cbc220ad24935fdd8b435fc21fd42fe24341601576736ed2f5da73a33548','0515c83da81e952fe1e57829cf32673d802e6f11a8e841f94e379a7653a312db');
INSERT INTO "responses" VALUES(8,1,1,1,'demo-yining-7','2026-12-03T22:38:16.068447+00:00',42,'zh-CN',NULL,'valid',NULL,'0515c83da81e952fe1e57829cf32673d802e6f11a8e841f94e379a7653a312db','307981200199727ce980de2648342f81a6b7f74494f457d6ef49510aa1785ee8');
INSERT INTO "responses" VALUES(9,1,1,1,'demo-yining-8','2026-12-03T22:38:16.068846+00:00',43,'zh-CN',NULL,'valid',NULL,'307981200199727ce980de2648342f81a6b7f74494f457d6ef49510aa1785ee8','249f29a5ee36aa39bcf016743d3685ec9847fa8dbbaa9d1b2e20279e5327d1ce');
INSERT INTO "responses" VALUES(10,1,1,1,'demo-yining-9','2026-12-03T22:38:16.069221+00:00',44,'zh-CN',NULL,'valid',NULL,'249f29a5ee36aa39bcf016743d3685ec9847fa8dbbaa9d1b2e20279e5327d1ce','0dde781e4a6cc981bd9dd8ad6f4ec7cd01c13981efa0cb8ecc78971a22a8d24f');
INSERT INTO "responses" VALUES(11,1,1,1,'demo-yining-10','2026-12-03T22:38:16.069637+00:00',45,'zh-CN',NULL,'valid',NULL,'0dde781e4a6cc981bd9dd8ad6f4ec7cd01c13981efa0cb8ecc78971a22a8d24f','f0f07579b6c2e791c6ec571249b336130d70ce3e08422e88fc0a206947032448');
INSERT INTO "responses" VALUES(12,1,1,1,'demo-yining-11','2026-12-03T22:38:16.070058+00:00',46,'zh-CN',NULL,'valid',NULL,'f0f07579b6c2e791c6ec571249b336130d70ce3e08422e88fc0a206947032448','7320e2becf9224e79b746672976793bf5f9b17d9134f1b712c8308956a4bfa31');
INSERT INTO "responses" VALUES(13,1,1,1,'demo-yining-12','2026-12-03T22:38:16.070457+00:00',47,'zh-CN',NULL,'valid',NULL,'7320e2becf9224e79b746672976793bf5f9b17d9134f1b712c8308956a4bfa31','78711f0c82d64b242762d19936fd24393d4cac85e715f24762320ed543bfe26f');
INSERT INTO "responses" VALUES(14,1,1,1,'demo-yining-13','2026-12-03T22:38:16.070834+00:00',48,'zh-CN',NULL,'valid',NULL,'78711f0c82d64b242762d19936fd24393d4cac85e715f24762320ed543bfe26f','2d175555c017b9e4919b719556988126562fe04105a4e3e6caf02411da5c77e5');
INSERT INTO "responses" VALUES(15,1,1,1,'demo-yining-14','2026-12-03T22:38:16.071207+00:00',49,'zh-CN',NULL,'valid',NULL,'2d175555c017b9e4919b719556988126562fe04105a4e3e6caf02411da5c77e5','a16b3ce2e718588a4b3ca40a445a3a8e7bce7eb6ad2bac4597a553338dc88a23');
INSERT INTO "responses" VALUES(16,1,1,1,'demo-yining-15','2026-12-03T22:38:16.071598+00:00',50,'zh-CN',NULL,'valid',NULL,'a16b3ce2e718588a4b3ca40a445a3a8e7bce7eb6ad2bac4597a553338dc88a23','e9f089572cd1bf3d071ffcd9526bc11b70a5aca21c05c24db2ec1b9337541398');
INSERT INTO "responses" VALUES(17,1,1,1,'demo-yining-16','2026-12-03T22:38:16.072025+00:00',51,'zh-CN',NULL,'valid',NULL,'e9f089572cd1bf3d071ffcd9526bc11b70a5aca21c05c24db2ec1b9337541398','0a6cc957fac2ac8c2d84622f2ea627d19c559ced1052bf8c581f7d3d9f4ca7dc');
INSERT INTO "responses" VALUES(18,1,1,1,'demo-yining-17','2026-12-03T22:38:16.072425+00:00',52,'zh-CN',NULL,'valid',NULL,'0a6cc957fac2ac8c2d84622f2ea627d19c559ced1052bf8c581f7d3d9f4ca7dc','e6e7783dbc90ee39b0a31dc8edfb571787a418d907b97ce4285daa5ea4f8abaa');
INSERT INTO "responses" VALUES(19,1,1,1,'demo-yining-18','2026-12-03T22:38:16.072812+00:00',53,'zh-CN',NULL,'valid',NULL,'e6e7783dbc90ee39b0a31dc8edfb571787a418d907b97ce4285daa5ea4f8abaa','a40846e769df2f2a7028a5da474846aa5b27f7909e1e926e64f336cf0b4ed580');
INSERT INTO "responses" VALUES(20,1,1,1,'demo-yining-19','2026-12-03T22:38:16.073185+00:00',54,'zh-CN',NULL,'valid',NULL,'a40846e769df2f2a7028a5da474846aa5b27f7909e1e926e64f336cf0b4ed580','af99b2d2c6087ae174171c414f9b73e463a304234460821dce37b5452f54185c');
INSERT INTO "responses" VALUES(21,1,1,1,'demo-yining-20','2026-12-03T22:38:16.073562+00:00',55,'zh-CN',NULL,'valid',NULL,'af99b2d2c6087ae174171c414f9b73e463a304234460821dce37b5452f54185c','2108cf6eefd031a4b7dcf88ef8e433d38302fd57e90fb28b1aa25b2f5c405023');
INSERT INTO "responses" VALUES(22,1,1,1,'demo-yining-21','2026-12-03T22:38:16.074004+00:00',56,'zh-CN',NULL,'valid',NULL,'2108cf6eefd031a4b7dcf88ef8e433d38302fd57e90fb28b1aa25b2f5c405023','b00ccfccaaacc9b996d1f503638cc42a49fdb662f4e2f84021e4b5736991b521');
INSERT INTO "responses" VALUES(23,1,1,1,'demo-yining-22','2026-12-03T22:38:16.074407+00:00',57,'zh-CN',NULL,'valid',NULL,'b00ccfccaaacc9b996d1f503638cc42a49fdb662f4e2f84021e4b5736991b521','9f75eed331f1580d8a9bfba1dc6e46336fa19cf732e5f2be5dc9fe215177d3cd');
INSERT INTO "responses" VALUES(24,1,1,1,'demo-yining-23','2026-12-03T22:38:16.074807+00:00',58,'zh-CN',NULL,'valid',NULL,'9f75eed331f1580d8a9bfba1dc6e46336fa19cf732e5f2be5dc9fe215177d3cd','1749f47fc422e918700dbb15e1991e925f7a8b87e6e6cb04749bb982ebd94675');
INSERT INTO "responses" VALUES(25,1,1,1,'demo-yining-24','2026-12-03T22:38:16.075182+00:00',59,'zh-CN',NULL,'valid',NULL,'1749f47fc422e918700dbb15e1991e925f7a8b87e6e6cb04749bb982ebd94675','1d0076125a82ac44adbae13640900e4b97b48d6cebccecf4c71a7eacf9d15d52');
INSERT INTO "responses" VALUES(26,1,1,1,'demo-yining-25','2026-12-03T22:38:16.075547+00:00',60,'zh-CN',NULL,'valid',NULL,'1d0076125a82ac44adbae13640900e4b97b48d6cebccecf4c71a7eacf9d15d52','a521bbf989e5c4d169a2453b2c7ecfa53d9e0ac214aff4c25a8f3febef58c107');
INSERT INTO "responses" VALUES(27,1,1,1,'demo-yining-26','2026-12-03T22:38:16.075925+00:00',61,'zh-CN',NULL,'valid',NULL,'a521bbf989e5c4d169a2453b2c7ecfa53d9e0ac214aff4c25a8f3febef58c107','376d8285840f0ca89ea13347832bed3da7a4228d9906500a4e06edb6d0593326');
INSERT INTO "responses" VALUES(28,1,1,1,'demo-yining-27','2026-12-03T22:38:16.076320+00:00',62,'zh-CN',NULL,'valid',NULL,'376d8285840f0ca89ea13347832bed3da7a4228d9906500a4e06edb6d0593326','a604cbf9a8c31df74bc70f4a1772d39564793999788e7577882792a8f44deae3');
INSERT INTO "responses" VALUES(29,1,1,1,'demo-yining-28','2026-12-03T22:38:16.076715+00:00',63,'zh-CN',NULL,'valid',NULL,'a604cbf9a8c31df74bc70f4a1772d39564793999788e7577882792a8f44deae3','f6a4e9835e81c203e32f175843243e38bafb3e97b917460b7156ac68cba3b94c');
INSERT INTO "responses" VALUES(30,1,1,1,'demo-yining-29','2026-12-03T22:38:16.077078+00:00',64,'zh-CN',NULL,'valid',NULL,'f6a4e9835e81c203e32f175843243e38bafb3e97b917460b7156ac68cba3b94c','3ae8db1470238b9624175e6ef6657cda0920724b11af4a4ee9087890a2aa6bec');
INSERT INTO "responses" VALUES(31,1,2,1,'demo-yining-30','2026-12-03T22:38:16.077445+00:00',65,'zh-CN',NULL,'valid',NULL,'','1c629b12b660f9613cf1ee7e4adf360af95f76f6133b1aa65a50ef5cc4f27475');
INSERT INTO "responses" VALUES(32,1,2,1,'demo-yining-31','2026-12-03T22:38:16.077825+00:00',66,'zh-CN',NULL,'valid',NULL,'1c629b12b660f9613cf1ee7e4adf360af95f76f6133b1aa65a50ef5cc4f27475','efa1de76a75fca6f038a86de4893a9ecb7d945d9adad819f7538e9de3f285560');
INSERT INTO "responses" VALUES(33,1,2,1,'demo-yining-32','2026-12-03T22:38:16.078229+00:00',67,'zh-CN',NULL,'valid',NULL,'efa1de76a75fca6f038a86de4893a9ecb7d945d9adad819f7538e9de3f285560','fcb9b393f591b74ddb949a81ef4cf695abc15b8a4905250d86cd386e2830f1da');
INSERT INTO "responses" VALUES(34,1,2,1,'demo-yining-33','2026-12-03T22:38:16.078627+00:00',68,'zh-CN',NULL,'valid',NULL,'fcb9b393f591b74ddb949a81ef4cf695abc15b8a4905250d86cd386e2830f1da','4b052d6545bce78e53fffec7db5739d0b4efb3277def4fa8053c6789f3240811');
INSERT INTO "responses" VALUES(35,1,2,1,'demo-yining-34','2026-12-03T22:38:16.079022+00:00',69,'zh-CN',NULL,'valid',NULL,'4b052d6545bce78e53fffec7db5739d0b4efb3277def4fa8053c6789f3240811','f58ed8ecb8644f893314424ff61e108fa9bd67080765ffede21aa71f34705e3e');
INSERT INTO "responses" VALUES(36,1,2,1,'demo-yining-35','2026-12-03T22:38:16.079404+00:00',70,'zh-CN',NULL,'valid',NULL,'f58ed8ecb8644f893314424ff61e108fa9bd67080765ffede21aa71f34705e3e','27364be8fa5f2064919d1891dda2f936a7d082f3c0664b8170f0186208b23379');
INSERT INTO "responses" VALUES(37,1,2,1,'demo-yining-36','2026-12-03T22:38:16.079780+00:00',71,'zh-CN',NULL,'valid',NULL,'27364be8fa5f2064919d1891dda2f936a7d082f3c0664b8170f0186208b23379','2ca5fb0880425ef84b555d58f5ff8271e8d574c3b595fec49d668626435119d8');
INSERT INTO "responses" VALUES(38,1,2,1,'demo-yining-37','2026-12-03T22:38:16.080173+00:00',72,'zh-CN',NULL,'valid',NULL,'2ca5fb0880425ef84b555d58f5ff8271e8d574c3b595fec49d668626435119d8','776dd923dd77973fbfb0634715f3dbd34fd5b5ad908ed96e5c8ae33429603af8');
INSERT INTO "responses" VALUES(39,1,2,1,'demo-yining-38','2026-12-03T22:38:16.080558+00:00',73,'zh-CN',NULL,'valid',NULL,'776dd923dd77973fbfb0634715f3dbd34fd5b5ad908ed96e5c8ae33429603af8','6748e6555aaf63d18d98afc2d190dc67e5fb14a72b48946630b79d1b869f6c13');
INSERT INTO "responses" VALUES(40,1,2,1,'demo-yining-39','2026-12-03T22:38:16.080950+00:00',74,'zh-CN',NULL,'valid',NULL,'6748e6555aaf63d18d98afc2d190dc67e5fb14a72b48946630b79d1b869f6c13','49630368eddb6d92ae00a3466eae4918928b6073e80a0edbab8e0ca8e90c75fa');
INSERT INTO "responses" VALUES(41,1,2,1,'demo-yining-40','2026-12-03T22:38:16.081323+00:00',35,'zh-CN',NULL,'valid',NULL,'49630368eddb6d92ae00a3466eae4918928b6073e80a0edbab8e0ca8e90c75fa','8d7daa38fb7086b9702109527c4b0f33c19f02ff3efebc4dd3ccb27af67248ca');
INSERT INTO "responses" VALUES(42,1,2,1,'demo-yining-41','2026-12-03T22:38:16.081794+00:00',36,'zh-CN',NULL,'valid',NULL,'8d7daa38fb7086b9702109527c4b0f33c19f02ff3efebc4dd3ccb27af67248ca','1c438f86924bc20b8041e0d7ed7081be5b9812a49e98d0227c25382f2464a32e');
INSERT INTO "responses" VALUES(43,1,2,1,'demo-yining-42','2026-12-03T22:38:16.082241+00:00',37,'zh-CN',NULL,'valid',NULL,'1c438f86924bc20b8041e0d7ed7081be5b9812a49e98d0227c25382f2464a32e','18e49307f0fd5e59b76ec6652e1f833c838f879b246924c4e6ce8be4a13c65f1');
INSERT INTO "responses" VALUES(44,1,2,1,'demo-yining-43','2026-12-03T22:38:16.082751+00:00',38,'zh-CN',NULL,'valid',NULL,'18e49307f0fd5e59b76ec6652e1f833c838f879b246924c4e6ce8be4a13c65f1','66a0875b8bc6021121bbdf22871afb895c49d077f75b8c7db912d6c9f03e35d9');
INSERT INTO "responses" VALUES(45,1,2,1,'demo-yining-44','2026-12-03T22:38:16.083242+00:00',39,'zh-CN',NULL,'valid',NULL,'66a0875b8bc6021121bbdf22871afb895c49d077f75b8c7db912d6c9f03e35d9','ec37f9317a62384257bb75b29a05dc5cbfecbc1ba0c0222096ea1046819347c0');
INSERT INTO "responses" VALUES(46,1,2,1,'demo-yining-45','2026-12-03T22:38:16.083693+00:00',40,'zh-CN',NULL,'valid',NULL,'ec37f9317a62384257bb75b29a05dc5cbfecbc1ba0c0222096ea1046819347c0','e877030cbb3d4a60d11ae6204b405b269980e6d309f505b6920363ee2e7cf944');
INSERT INTO "responses" VALUES(47,1,2,1,'demo-yining-46','2026-12-03T22:38:16.084151+00:00',41,'zh-CN',NULL,'valid',NULL,'e877030cbb3d4a60d11ae6204b405b269980e6d309f505b6920363ee2e7cf944','e17496b861f6a93c5da665296f36d7bae050d7ce8523d3044bb39da395c824b2');
INSERT INTO "responses" VALUES(48,1,2,1,'demo-yining-47','2026-12-03T22:38:16.084615+00:00',42,'zh-CN',NULL,'valid',NULL,'e17496b861f6a93c5da665296f36d7bae050d7ce8523d3044bb39da395c824b2','c0ecab075a81d65a9277bc8e2cf769a50282c4797ba2189e6988a67deef284d5');
INSERT INTO "responses" VALUES(49,1,2,1,'demo-yining-48','2026-12-03T22:38:16.085073+00:00',43,'zh-CN',NULL,'valid',NULL,'c0ecab075a81d65a9277bc8e2cf769a50282c4797ba2189e6988a67deef284d5','eef759ad1ca01480af115d83b66ed9eaf9178e167414053c65aab4329457fc2b');
INSERT INTO "responses" VALUES(50,1,2,1,'demo-yining-49','2026-12-03T22:38:16.085517+00:00',44,'zh-CN',NULL,'valid',NULL,'eef759ad1ca01480af115d83b66ed9eaf9178e167414053c65aab4329457fc2b','4729e493be1dd5e942dedbdd534c74fd7a48ab959ce83320101c0928ec7d6796');
CREATE TABLE store_meta (key text primary key, value text not null);
INSERT INTO "store_meta" VALUES('legacy_last_id','0');
INSERT INTO "store_meta" VALUES('genesis','');
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
INSERT INTO "surveys" VALUES(1,'yining-2024-public',1,'2024年伊宁市医疗保障局部门整体绩效满意度调查（演示）','伊宁市医疗保障局',2024,'新疆政通众和商务咨询有限公司',90.0,50,NULL,NULL,NULL,'open','xinjiang-c51','headline',NULL,NULL,'2026-12-03T22:38:16.063150+00:00');
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
INSERT INTO "users" VALUES(1,'demo','scrypt:32768:8:1$nw7AsznoG3OoYuzE$4f551bcb18437e4e4b17be6b960551f264488595d8830b26217d5962d236ebe30c43020522397b4cfc3cf148051e95c04791d2cfab805004c904359477ac17ec','2026-12-03T22:38:16.364720+00:00');
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
CREATE INDEX idx_login_attempts_username_at on login_attempts (username, at);
CREATE INDEX idx_login_attempts_client_hash_at on login_attempts (client_hash, at);
CREATE INDEX idx_login_attempts_at on login_attempts (at);
CREATE INDEX idx_responses_survey_id_status on responses (survey_id, status);
CREATE INDEX idx_responses_survey_id_device_hash on responses (survey_id, device_hash);
CREATE INDEX idx_responses_survey_id_seconds_on_page on responses (survey_id, seconds_on_page);
CREATE INDEX idx_responses_survey_id_id on responses (survey_id, id);
COMMIT;
