export default `
CREATE INDEX assets_by_job ON assets (job_id, created_at);
CREATE INDEX tasks_by_status ON tasks (status, created_at);
CREATE INDEX task_items_by_status ON task_items (task_id, status);
CREATE INDEX audit_by_entity ON audit_log (entity_id, seq);
`;
